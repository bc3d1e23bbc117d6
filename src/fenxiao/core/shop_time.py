"""The shop's own calendar (``settings.TIME_ZONE``): every report counts by the local day, month
or quarter an event happened in, never UTC's. A commission booked at 16:30 UTC on 31 March is
00:30 on 1 April in Beijing and belongs to April. Kept in core so every layer that reports by
date (analytics, the tax report, the compliance report) uses one definition."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, shop_zone()).date()


def shop_today() -> date:
    return local_day(timezone.now())


def day_start(day: date) -> datetime:
    """The aware instant the local ``day`` begins."""
    return datetime.combine(day, time.min, tzinfo=shop_zone())
