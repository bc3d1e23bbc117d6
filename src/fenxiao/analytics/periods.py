"""Local days of the shop (``settings.TIME_ZONE``) and the periods built from them: every figure
in the data centre is counted by the day an event happened in the shop's time zone, not UTC's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, shop_zone()).date()


def today() -> date:
    return local_day(timezone.now())


def day_start(day: date) -> datetime:
    """The aware instant the local ``day`` begins."""
    return datetime.combine(day, time.min, tzinfo=shop_zone())


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
