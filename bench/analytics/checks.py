"""Proof on a sample that the rollups say what the source rows say: a few random days compared by
the product's own reconciliation (``rollups_rebuild_day(repair=False)``), and one 30-day period's
figures recomputed by plain SQL over the raw orders and commission records (which also checks the
loader: an order it wrote inconsistently would show here)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class DayProof:
    day: date
    equal: bool
    differences: tuple[str, ...]


@dataclass(frozen=True)
class FigureProof:
    name: str
    rollups: int
    raw_sql: int

    @property
    def equal(self) -> bool:
        return self.rollups == self.raw_sql


def prove_days(first: date, last: date, rng: random.Random, count: int = 3) -> list[DayProof]:
    from fenxiao.analytics.rollups.rebuild import rollups_rebuild_day

    span = (last - first).days
    days = sorted({first + timedelta(days=rng.randint(0, span)) for _ in range(count * 3)})[:count]
    out = []
    for day in days:
        check = rollups_rebuild_day(day=day, repair=False)
        out.append(DayProof(day, check.equal, check.differences))
    return out


RAW_ORDERS = """
SELECT COALESCE(SUM(paid_fen), 0), COUNT(*), COUNT(DISTINCT buyer_id)
FROM orders_order WHERE paid_at >= %s AND paid_at < %s
"""
RAW_COMMISSION = """
SELECT COALESCE(SUM(c.amount_fen - c.reversed_fen - c.clawback_fen), 0)
FROM distribution_commissionrecord c JOIN orders_order o ON o.id = c.order_id
WHERE o.paid_at >= %s AND o.paid_at < %s
"""


def prove_period(first: date, last: date) -> list[FigureProof]:
    from django.db import connection

    from fenxiao.analytics.metrics.figures import figures_get
    from fenxiao.analytics.periods import DayRange

    span = DayRange(first, last)
    figures = figures_get(span)
    with connection.cursor() as cursor:
        cursor.execute(RAW_ORDERS, [span.start, span.end])
        gmv, orders, buyers = cursor.fetchone()
        cursor.execute(RAW_COMMISSION, [span.start, span.end])
        (commission,) = cursor.fetchone()
    return [
        FigureProof("gmv_fen", figures.gmv_fen, gmv),
        FigureProof("paid_orders", figures.paid_orders, orders),
        FigureProof("buyers", figures.buyers, buyers),
        FigureProof("commission_fen", figures.commission_fen, commission),
    ]
