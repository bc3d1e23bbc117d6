"""The catalogue version row that product pages are checked against (``CatalogVersion``)."""

import secrets

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("catalog", "CatalogVersion").objects.get_or_create(pk=1, defaults={"value": secrets.randbits(62)})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_product_price_range_index")]

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(verbose_name="版本")),
            ],
            options={"verbose_name": "商品目录版本", "verbose_name_plural": "商品目录版本"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
