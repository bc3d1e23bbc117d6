"""What can be sold, for the faces and for checkout. A SKU without a stock row has none.

The catalogue below never reads stock: its pages get it here, by SKU or summed per product, in
one statement per page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from fenxiao.catalog.models import CatalogVersion, Product, Sku
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
    stock, sku = Stock._meta.db_table, Sku._meta.db_table
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


@dataclass(frozen=True)
class ProductLive:
    """What a product page shows that changes without a catalogue change (orders move stock and
    sales), or must never be seen stale (the shelf, the active SKUs and their prices), with the
    catalogue version the rest of the page is checked against, read together in one statement."""

    version: int | None  # ``CatalogVersion.value``; None while the row is missing
    sales_count: int
    skus: tuple[tuple[int, int], ...]  # (id, price_fen) of the active SKUs, by id
    stock: tuple[int, ...]  # units left of each SKU in ``skus``, in the same order


def product_live(product_id: int) -> ProductLive | None:
    """The live part of an on-shelf product's page; None for a product that is off the shelf or
    does not exist. One prebuilt statement: every product page runs it, and a warm page nothing else."""
    product, sku, stock = Product._meta.db_table, Sku._meta.db_table, Stock._meta.db_table
    version = CatalogVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT value FROM {version} WHERE id = 1), p.sales_count, s.id, s.price_fen, st.quantity "
            f"FROM {product} p "
            f"LEFT JOIN {sku} s ON s.product_id = p.id AND s.is_active = %s "
            f"LEFT JOIN {stock} st ON st.sku_id = s.id "
            f"WHERE p.id = %s AND p.is_on_shelf = %s ORDER BY s.id",
            [True, product_id, True],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    found = [row for row in rows if row[2] is not None]
    return ProductLive(
        version=rows[0][0],
        sales_count=rows[0][1],
        skus=tuple((row[2], row[3]) for row in found),
        stock=tuple(row[4] or 0 for row in found),
    )
