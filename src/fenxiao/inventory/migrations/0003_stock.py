"""Stock moves from ``catalog.Sku.stock`` to inventory's own row per SKU; reservations hold
against that row. Every SKU gets its row with the count it had, in one statement."""

import django.db.models.deletion
from django.db import migrations, models

COPY = "INSERT INTO inventory_stock (sku_id, quantity) SELECT id, stock FROM catalog_sku"
# Undone after catalog 0003 is undone (it depends on this one), so ``catalog_sku.stock`` is back.
COPY_BACK = (
    "UPDATE catalog_sku SET stock = COALESCE("
    "(SELECT quantity FROM inventory_stock WHERE inventory_stock.sku_id = catalog_sku.id), 0)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_clean_detail_html"),
        ("inventory", "0002_stock_reservations"),
    ]

    operations = [
        migrations.CreateModel(
            name="Stock",
            fields=[
                (
                    "sku",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="stock_level",
                        serialize=False,
                        to="catalog.sku",
                        verbose_name="SKU",
                    ),
                ),
                ("quantity", models.IntegerField(default=0, verbose_name="可售库存")),
            ],
            options={
                "verbose_name": "库存",
                "verbose_name_plural": "库存",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_quantity_not_negative")
                ],
            },
        ),
        migrations.RunSQL(COPY, COPY_BACK, elidable=False),
        migrations.RenameField(model_name="stockreservation", old_name="sku", new_name="stock"),
        migrations.AlterField(
            model_name="stockreservation",
            name="stock",
            field=models.ForeignKey(
                db_column="sku_id",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reservations",
                to="inventory.stock",
                verbose_name="库存",
            ),
        ),
    ]
