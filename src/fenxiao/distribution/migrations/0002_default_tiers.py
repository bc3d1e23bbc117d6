"""Three tiers every mall starts with; the merchant renames or re-rates them in the admin.
Rates stay inside the default cap (30%) and each indirect rate is below the direct one."""

from django.db import migrations

DEFAULT_TIERS = [
    # name, rank, level1, level2, level3 (bps), min settled sales (fen), min customers, min orders
    ("普通", 0, 1000, 500, 0, 0, 0, 0),
    ("银牌", 1, 1200, 600, 0, 100_000, 5, 10),
    ("金牌", 2, 1500, 800, 0, 500_000, 20, 50),
]


def create_tiers(apps, schema_editor):
    Tier = apps.get_model("distribution", "Tier")
    for name, rank, l1, l2, l3, sales, customers, orders in DEFAULT_TIERS:
        Tier.objects.get_or_create(
            rank=rank,
            defaults={
                "name": name,
                "level1_bps": l1,
                "level2_bps": l2,
                "level3_bps": l3,
                "min_sales_fen": sales,
                "min_customers": customers,
                "min_orders": orders,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("distribution", "0001_initial")]

    operations = [migrations.RunPython(create_tiers, migrations.RunPython.noop)]
