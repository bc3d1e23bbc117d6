"""``Sku.stock`` is gone: inventory owns stock (``inventory.Stock``, filled by inventory 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_clean_detail_html"),
        ("inventory", "0003_stock"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="sku", name="sku_stock_not_negative"),
        migrations.RemoveField(model_name="sku", name="stock"),
    ]
