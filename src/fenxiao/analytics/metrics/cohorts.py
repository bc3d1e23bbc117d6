"""次月复购率 by monthly cohort: of the users who paid in month M, how many paid again in M+1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.db.models.functions import Coalesce

from fenxiao.analytics.metrics.definitions import REPURCHASE, Health
from fenxiao.analytics.metrics.figures import distinct_buyers
from fenxiao.analytics.models import BuyerReturnMonth
from fenxiao.analytics.periods import DayRange, month_end, next_month, today
from fenxiao.core.plans import custom_plans
from fenxiao.core.ratios import bps
from fenxiao.core.replica import lag_tolerant_reads

MAX_MONTHS = 36


@dataclass(frozen=True)
class CohortRow:
    month: date  # its first day
    buyers: int
    repeat_buyers: int
    rate_bps: int | None
    complete: bool  # M+1 is over: the rate will not change any more
    health: Health | None


def repeat_buyers(month: date) -> int:
    """Buyers of M who paid again in M+1: each has exactly one paid day in M+1 whose previous paid
    day lies in M (their first paid day of M+1)."""
    following = next_month(month)
    return BuyerReturnMonth.objects.filter(
        day__gte=following, day__lte=month_end(following), prev_month=month
    ).aggregate(n=Coalesce(Sum("buyers"), 0))["n"]


def month_count(from_month: date, to_month: date) -> int:
    return (to_month.year - from_month.year) * 12 + to_month.month - from_month.month + 1


@lag_tolerant_reads()
@custom_plans()
def cohorts_get(*, from_month: date, to_month: date) -> list[CohortRow]:
    rows = []
    month = from_month.replace(day=1)
    now = today()
    while month <= to_month:
        buyers = distinct_buyers(DayRange(month, month_end(month)))
        repeat = repeat_buyers(month)
        rate = bps(repeat, buyers)
        complete = month_end(next_month(month)) < now
        rows.append(
            CohortRow(
                month=month,
                buyers=buyers,
                repeat_buyers=repeat,
                rate_bps=rate,
                complete=complete,
                health=REPURCHASE.health(rate) if complete else None,
            )
        )
        month = next_month(month)
    return rows
