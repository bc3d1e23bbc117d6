"""On PostgreSQL, a GIN index over the characters and character pairs of each product's title and
subtitle (upper-cased), so that the shopper's keyword search finds its candidates in the index
instead of reading every product (issue 22, "Cold product lists"; bench/README.md compares it with
pg_trgm, whose three-character grams do not serve the one- and two-character words Chinese
shoppers type). The search still applies its ``icontains`` test to the candidates, so the index only
narrows, never changes, what is found. SQLite keeps the plain scan.

The SQL is frozen here: ``catalog.search`` calls these functions by name and must build its gram
list the same way, but this migration never imports it."""

from django.db import migrations

CREATE = [
    # The grams of both fields: every character and every pair of neighbours, upper-cased the way
    # Django's icontains upper-cases (UPPER), so a substring's grams are always among its title's.
    """
    CREATE FUNCTION catalog_product_search_grams(title text, subtitle text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT gram), '{}')
        FROM unnest(ARRAY[upper(title), upper(subtitle)]) AS field(t),
             LATERAL generate_series(1, char_length(t)) AS i,
             LATERAL unnest(ARRAY[substr(t, i, 1), substr(t, i, 2)]) AS gram
        WHERE char_length(gram) > 0
    $$
    """,
    # What a keyword needs: its one character, or every pair of neighbours in it.
    """
    CREATE FUNCTION catalog_search_query_grams(q text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN char_length(q) < 2 THEN ARRAY[upper(q)]
               ELSE ARRAY(SELECT DISTINCT substr(upper(q), i, 2) FROM generate_series(1, char_length(q) - 1) AS i)
               END
    $$
    """,
    # fastupdate off: a catalogue is read far more than written, and a pending list (which only
    # VACUUM flushes) would be read through on every search until then.
    "CREATE INDEX product_search_grams ON catalog_product "
    "USING gin (catalog_product_search_grams(title, subtitle)) WITH (fastupdate = off)",
]

DROP = [
    "DROP INDEX IF EXISTS product_search_grams",
    "DROP FUNCTION IF EXISTS catalog_search_query_grams(text)",
    "DROP FUNCTION IF EXISTS catalog_product_search_grams(text, text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_product_list_prices")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
