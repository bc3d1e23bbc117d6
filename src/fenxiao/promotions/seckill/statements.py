"""The SQL every seckill winner runs, built once per process from the models' metadata.

Why not the ORM: the winners of a flash sale are full orders placed back to back, and the ORM
compiles each statement again on every call (about 0.3 ms of CPU per statement here, more than
the database takes to run it; bench/README.md, "The crowd's own lane"). These texts say the same
as the querysets they replace; ``tests/promotions/seckill/test_winner_statements.py`` checks the
statements a winner runs and that the rules behind them (limit, window, pause, sold out) still
refuse."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from django.db import connection

from fenxiao.core.statements import row_get
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus, SeckillStatus


def activity_row(activity_id: int) -> SeckillActivity | None:
    return row_get(SeckillActivity, "id = %s", [activity_id])


def _column(model: type, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@cache
def _held_sql(vendor: str) -> str:
    table = connection.ops.quote_name(SeckillPurchase._meta.db_table)
    activity, user, status = (_column(SeckillPurchase, f) for f in ("activity", "user", "status"))
    return f"SELECT COUNT(*) FROM {table} WHERE {activity} = %s AND {user} = %s AND {status} <> %s"


def units_held(*, activity_id: int, user_id: int) -> int:
    """The units the shopper holds in the activity (placed, not given back): what the per-user
    limit counts. The purchases' (activity, user, status) index answers it."""
    with connection.cursor() as cursor:
        cursor.execute(_held_sql(connection.vendor), [activity_id, user_id, SeckillPurchaseStatus.RETURNED.value])
        (held,) = cursor.fetchone()
    return int(held)


@cache
def _take_unit_sql(vendor: str) -> str:
    table = connection.ops.quote_name(SeckillActivity._meta.db_table)
    pk, sold, stock, status, starts, ends = (
        _column(SeckillActivity, f) for f in ("id", "sold", "stock", "status", "starts_at", "ends_at")
    )
    return (
        f"UPDATE {table} SET {sold} = {sold} + 1 WHERE {pk} = %s AND {sold} < {stock} AND {status} = %s"
        f" AND {starts} <= %s AND {ends} > %s"
    )


def unit_taken(*, activity_id: int, now: datetime) -> bool:
    """``sold`` moves by one only while units are left and the activity is open, as its row stands
    now; False when it did not move."""
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_take_unit_sql(connection.vendor), [activity_id, SeckillStatus.ACTIVE.value, at, at])
        return cursor.rowcount == 1
