"""The shopper's product list as SQL written once: the filters, the sorts and the search of
``GET /api/v1/products`` and the H5 search page.

Why not the ORM: a list page the cache has not seen (a new search, filter or price range) is what
shoppers mostly ask for, and the ORM compiling its count and its page query cost more CPU than the
database spent answering them (bench/README.md, "Cold product lists"). Every fragment here is text
written in the code; what the shopper typed only ever travels as a ``%s`` parameter.

What each filter means is unchanged from the ORM version it replaces, and the tests compare the
two on the same rows:

* a category is itself and its children;
* a keyword is ``title icontains q OR subtitle icontains q``, built from the backend's own
  ``icontains`` operator and escaping. On PostgreSQL the rows are first narrowed by the GIN index
  of migration 0005 (``catalog_product_search_grams``): a title that contains the keyword contains
  every character pair of it, so the index only ever drops rows that could not match;
* a price range keeps products with an active SKU priced inside it, read from the product's stored
  lowest and highest prices (``catalog.prices``). Those decide alone unless the range falls strictly
  between the two, where only the SKUs can tell (a ¥39 and a ¥59 size, asked for ¥45-¥50)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections


class ProductCard(NamedTuple):
    """What a list card shows of a product, read as a plain row: building twenty model instances
    (with their deferred-field bookkeeping) cost more than reading them."""

    id: int
    title: str
    subtitle: str
    main_image: str
    sales_count: int
    category_id: int
    min_price_fen: int | None  # None while the product has no active SKU
    min_market_price_fen: int


CARD_COLUMNS = ", ".join(ProductCard._fields)

ORDER_BY: dict[str, str] = {
    "default": "sort_order ASC, sales_count DESC, id DESC",
    "sales": "sales_count DESC, id DESC",
    "price": "min_price_fen ASC, id DESC",
    "price_desc": "min_price_fen DESC, id DESC",
    "new": "created_at DESC, id DESC",
}

IN_CATEGORY = "category_id IN (SELECT id FROM catalog_category WHERE id = %s OR parent_id = %s)"
# PostgreSQL: the category ids as one array computed first, so the (is_on_shelf, category) index
# is searched for each id instead of the products being joined to the categories.
IN_CATEGORY_PG = "category_id = ANY(ARRAY(SELECT id FROM catalog_category WHERE id = %s OR parent_id = %s))"
PRICE_AT_LEAST = "max_price_fen >= %s"
PRICE_AT_MOST = "min_price_fen <= %s"
# Both bounds: the stored prices overlap the range, and either one of them lies inside it or (the
# range strictly between them) an active SKU does. That last test is a scalar subquery with LIMIT,
# not EXISTS, because PostgreSQL may run an EXISTS as one hashed scan of every SKU in the range:
# this way it reads the few SKUs of the few products that get that far, by their product_id index.
PRICE_BETWEEN = (
    "min_price_fen <= %s AND max_price_fen >= %s AND (min_price_fen >= %s OR max_price_fen <= %s OR "
    "(SELECT 1 FROM catalog_sku WHERE catalog_sku.product_id = catalog_product.id AND catalog_sku.is_active = %s "
    "AND catalog_sku.price_fen >= %s AND catalog_sku.price_fen <= %s LIMIT 1) IS NOT NULL)"
)
# PostgreSQL: the products whose price span overlaps the range, from migration 0006's GiST index
# (its partial-index condition repeated so the planner may use it); PRICE_BETWEEN then decides.
SPAN_OVERLAPS = (
    "min_price_fen IS NOT NULL AND max_price_fen IS NOT NULL AND "
    "int8range(min_price_fen, max_price_fen, '[]') && int8range(%s, %s, '[]')"
)
GRAMS_MATCH = "catalog_product_search_grams(title, subtitle) @> catalog_search_query_grams(%s)"


@dataclass(frozen=True)
class Where:
    sql: str
    params: list


@cache
def _contains(vendor: str) -> str:
    """``title icontains %s OR subtitle icontains %s`` as this backend's ORM writes it."""
    connection = connections[DEFAULT_DB_ALIAS]
    operator = connection.operators["icontains"] % "%s"
    cast = connection.ops.lookup_cast("icontains", "CharField")
    both = " OR ".join(f"{cast % column} {operator}" for column in ("title", "subtitle"))
    if vendor == "postgresql":
        return f"{GRAMS_MATCH} AND ({both})"
    return f"({both})"


def like_pattern(q: str) -> str:
    """The ``%q%`` pattern the ORM's icontains binds, with the backend's escaping of ``%``, ``_``
    and ``\\``."""
    return f"%{connections[DEFAULT_DB_ALIAS].ops.prep_for_like_query(q)}%"


def shopper_where(*, category_id: int | None, q: str, min_price_fen: int | None, max_price_fen: int | None) -> Where:
    """The condition on ``catalog_product`` for on-shelf products matching the shopper's filters."""
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    parts, params = ["is_on_shelf = %s"], [True]
    if category_id is not None:
        parts.append(IN_CATEGORY_PG if vendor == "postgresql" else IN_CATEGORY)
        params += [category_id, category_id]
    if q:
        parts.append(_contains(vendor))
        pattern = like_pattern(q)
        params += ([q] if vendor == "postgresql" else []) + [pattern, pattern]
    if min_price_fen is not None and max_price_fen is not None:
        if vendor == "postgresql":
            parts.append(SPAN_OVERLAPS)
            params += [min_price_fen, max_price_fen]
        parts.append(PRICE_BETWEEN)
        params += [max_price_fen, min_price_fen, min_price_fen, max_price_fen, True, min_price_fen, max_price_fen]
    elif min_price_fen is not None:
        parts.append(PRICE_AT_LEAST)
        params.append(min_price_fen)
    elif max_price_fen is not None:
        parts.append(PRICE_AT_MOST)
        params.append(max_price_fen)
    return Where(" AND ".join(parts), params)


def _rows(sql: str, params: list) -> list[tuple]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count(where: Where) -> int:
    return _rows(f"SELECT COUNT(*) FROM catalog_product WHERE {where.sql}", where.params)[0][0]


def cards(where: Where, *, sort: str, offset: int, limit: int) -> list[ProductCard]:
    sql = f"SELECT {CARD_COLUMNS} FROM catalog_product WHERE {where.sql} ORDER BY {ORDER_BY[sort]} LIMIT %s OFFSET %s"
    return [ProductCard._make(row) for row in _rows(sql, [*where.params, limit, offset])]


def cards_and_count(where: Where, *, sort: str, offset: int, limit: int) -> tuple[list[ProductCard], int | None]:
    """The page and the number of matches in one statement (``COUNT(*) OVER ()``), for a search or
    a price range, whose matches the database reads in full anyway to sort them: one pass and one
    plan instead of two. ``None`` for the count when the page is past the end (no row carries it)."""
    sql = (
        f"SELECT {CARD_COLUMNS}, COUNT(*) OVER () FROM catalog_product WHERE {where.sql} "
        f"ORDER BY {ORDER_BY[sort]} LIMIT %s OFFSET %s"
    )
    rows = _rows(sql, [*where.params, limit, offset])
    return [ProductCard._make(row[:-1]) for row in rows], (rows[0][-1] if rows else None)
