"""The SQL every seckill winner runs, built once per process from the models' metadata.

Why not the ORM: the winners of a flash sale are full orders placed back to back, and the ORM
compiles each statement again on every call, which cost more CPU than the database spent running
it (a winner: 5.1-5.6 ms of CPU before, 2.9 ms after; bench/README.md, "Issue 22, second quiet
run"). These texts say the same
as the querysets they replace; ``tests/promotions/seckill/test_winner_statements.py`` checks the
statements a winner runs and that the rules behind them (limit, window, pause, sold out) still
refuse."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from django.db import connection

from fenxiao.core.statements import quoted_names, row_get
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus, SeckillStatus


def activity_row(activity_id: int) -> SeckillActivity | None:
    return row_get(SeckillActivity, "id = %s", [activity_id])


@cache
def _held_sql(vendor: str) -> str:
    table, activity, user, status = quoted_names(SeckillPurchase, "activity", "user", "status")
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
    table, pk, sold, stock, status, starts, ends = quoted_names(
        SeckillActivity, "id", "sold", "stock", "status", "starts_at", "ends_at"
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
