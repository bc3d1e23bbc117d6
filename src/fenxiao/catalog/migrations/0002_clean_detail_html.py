"""Rows written before detail HTML was cleaned on the way in are cleaned once here, so the admin
shows every product's detail as shoppers get it and an export never carries a script onward.
(Pages and the API clean on the way out as well, so a row this misses is still harmless.)"""

from django.db import migrations

from fenxiao.core.rich_text import sanitize_html

BATCH = 500


def clean_detail_html(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    rows = Product.objects.exclude(detail_html="").only("pk", "detail_html").order_by("pk")
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        changed = []
        for product in batch:
            clean = sanitize_html(product.detail_html)
            if clean != product.detail_html:
                product.detail_html = clean
                changed.append(product)
        Product.objects.bulk_update(changed, ["detail_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clean_detail_html, migrations.RunPython.noop, elidable=True),
    ]
