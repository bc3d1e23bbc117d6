"""On PostgreSQL, a GiST index of each on-shelf product's price span ``[min_price_fen,
max_price_fen]``, so that a price range with both bounds finds the products whose span overlaps it
directly (issue 22, "Cold product lists"). A B-tree serves one bound only: ``min_price_fen <= high``
alone reads every cheaper product, most of which end below ``low``. Products without an active
SKU (no span) are left out, as the range filter leaves them out. SQLite keeps the B-trees.

The SQL is frozen here; ``catalog.listing`` writes the same expression to be served by it."""

from django.db import migrations

CREATE = (
    "CREATE INDEX product_shelf_price_span ON catalog_product "
    "USING gist (int8range(min_price_fen, max_price_fen, '[]')) "
    "WHERE is_on_shelf AND min_price_fen IS NOT NULL AND max_price_fen IS NOT NULL"
)
DROP = "DROP INDEX IF EXISTS product_shelf_price_span"


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_product_search_grams")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
