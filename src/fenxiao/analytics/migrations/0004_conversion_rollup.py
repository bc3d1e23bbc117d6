from collections import Counter
from datetime import timedelta

from django.db import migrations, models

WINDOW = timedelta(days=30)  # CONVERSION_WINDOW as it stood when this ran


def backfill(apps, schema_editor):
    """Mark the buyers who became distributors within the window after their first paid order
    and count them on their first-paid days, from the profiles and distributors a database holds."""
    BuyerProfile = apps.get_model("analytics", "BuyerProfile")
    SalesDay = apps.get_model("analytics", "SalesDay")
    Distributor = apps.get_model("distribution", "Distributor")
    joined = dict(Distributor.objects.values_list("user_id", "joined_at").iterator(chunk_size=20_000))
    ids = list(joined)
    per_day: Counter = Counter()
    for start in range(0, len(ids), 5_000):
        converted = []
        for buyer_id, first_paid_at, first_day in BuyerProfile.objects.filter(
            buyer_id__in=ids[start : start + 5_000], first_paid_at__isnull=False
        ).values_list("buyer_id", "first_paid_at", "first_day"):
            if first_paid_at <= joined[buyer_id] <= first_paid_at + WINDOW:
                converted.append(buyer_id)
                per_day[first_day] += 1
        BuyerProfile.objects.filter(buyer_id__in=converted).update(converted=True)
    for day, n in per_day.items():
        SalesDay.objects.filter(day=day).update(converted_buyers=n)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_sold_months"),
        ("distribution", "0006_share_opens"),
    ]

    operations = [
        migrations.AddField(
            model_name="buyerprofile",
            name="converted",
            field=models.BooleanField(default=False, verbose_name="首单后 30 天内成为分销商"),
        ),
        migrations.AddField(
            model_name="salesday",
            name="converted_buyers",
            field=models.IntegerField(default=0, verbose_name="首单后 30 天内成为分销商"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
