"""Each product stores its list prices (lowest and highest active SKU price, lowest market price),
filled here from the SKUs for the rows that exist; ``catalog.prices`` keeps them right afterwards.
The fill is frozen here, on the historical models, so later changes to the app cannot change what
this migration did."""

from django.db import migrations, models
from django.db.models import Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_list_prices(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Sku = apps.get_model("catalog", "Sku")

    def over_active_skus(aggregate):
        rows = Sku.objects.filter(product_id=OuterRef("pk"), is_active=True).order_by().values("product_id")
        return Subquery(rows.annotate(value=aggregate).values("value")[:1])

    Product.objects.update(
        min_price_fen=over_active_skus(Min("price_fen")),
        max_price_fen=over_active_skus(Max("price_fen")),
        min_market_price_fen=Coalesce(over_active_skus(Min("market_price_fen")), Value(0)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_sku_stock_moves_to_inventory"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="max_price_fen",
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name="最高售价(分)"),
        ),
        migrations.AddField(
            model_name="product",
            name="min_market_price_fen",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="最低划线价(分)"),
        ),
        migrations.AddField(
            model_name="product",
            name="min_price_fen",
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name="最低售价(分)"),
        ),
        migrations.RunPython(fill_list_prices, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["is_on_shelf", "min_price_fen", "-id"], name="product_shelf_price"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["is_on_shelf", "-min_price_fen", "-id"], name="product_shelf_price_desc"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["is_on_shelf", "max_price_fen"], name="product_shelf_max_price"),
        ),
    ]
