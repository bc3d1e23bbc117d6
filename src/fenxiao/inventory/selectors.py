"""What can be sold, for the faces and for checkout. A SKU without a stock row has none.

The catalogue below never reads stock: its pages get it here, by SKU or summed per product, in
one statement per page."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from fenxiao.core.limits import chunks
from fenxiao.inventory.models import Stock


def available_by_sku(sku_ids: Iterable[int]) -> dict[int, int]:
    """Units left of every SKU asked for (0 for one without a row). A prebuilt statement rather
    than the ORM: the product page and every checkout run it."""
    wanted = list(dict.fromkeys(sku_ids))
    levels = dict.fromkeys(wanted, 0)
    table = Stock._meta.db_table
    with connection.cursor() as cursor:
        for chunk in chunks(wanted):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT sku_id, quantity FROM {table} WHERE sku_id IN ({marks})", list(chunk))
            levels.update(cursor.fetchall())
    return levels


def available(sku_id: int) -> int:
    return available_by_sku([sku_id])[sku_id]


def available_by_product(product_ids: Iterable[int]) -> dict[int, int]:
    """Units left of each product's active SKUs together (0 for a product with none). A prebuilt
    statement rather than the ORM: every list page the cache has not seen runs it."""
    wanted = list(dict.fromkeys(product_ids))
    totals = dict.fromkeys(wanted, 0)
    stock, sku = Stock._meta.db_table, Stock._meta.get_field("sku").related_model._meta.db_table
    with connection.cursor() as cursor:
        for chunk in chunks(wanted):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {sku}.product_id, SUM({stock}.quantity) FROM {stock} "
                f"INNER JOIN {sku} ON {sku}.id = {stock}.sku_id "
                f"WHERE {sku}.product_id IN ({marks}) AND {sku}.is_active = %s GROUP BY {sku}.product_id",
                [*chunk, True],
            )
            totals.update(cursor.fetchall())
    return totals
