"""Local days of the shop (``settings.TIME_ZONE``) and the periods built from them: every figure
in the data centre is counted by the day an event happened in the shop's time zone, not UTC's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# The shop calendar lives in core (the tax and compliance reports count by it too); re-exported.
from fenxiao.core.shop_time import day_start as day_start
from fenxiao.core.shop_time import local_day as local_day
from fenxiao.core.shop_time import shop_today
from fenxiao.core.shop_time import shop_zone as shop_zone

today = shop_today

# The longest period the data centre computes: a year beside the year before it.
MAX_DAYS = 732


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    first = month_start(day)
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


def month_end(day: date) -> date:
    return next_month(day) - timedelta(days=1)


@dataclass(frozen=True)
class DayRange:
    """``first``..``last`` inclusive, both local dates."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        """The instant after the last day (exclusive bound)."""
        return day_start(self.last + timedelta(days=1))

    def previous(self) -> DayRange:
        """The period of the same length that ends the day before this one starts."""
        last = self.first - timedelta(days=1)
        return DayRange(last - timedelta(days=self.days - 1), last)
