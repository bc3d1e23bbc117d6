"""The period the report's network figures cover: local dates of the shop, both inclusive, as
the operator picks them; the settings and the data checks are always judged as they stand now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fenxiao.core.errors import DomainError
from fenxiao.core.shop_time import day_start, shop_today

DEFAULT_DAYS = 365
MAX_DAYS = 3660  # ten years


@dataclass(frozen=True)
class ReportPeriod:
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


def report_period(*, first: date | None = None, last: date | None = None) -> ReportPeriod:
    """The period asked for; a missing end is today, a missing start the year up to the end."""
    last = last or shop_today()
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise DomainError("COMPLIANCE_RANGE_INVALID", "开始日期不能晚于结束日期", status=422, field="from")
    period = ReportPeriod(first, last)
    if period.days > MAX_DAYS:
        raise DomainError("COMPLIANCE_RANGE_TOO_LONG", f"统计区间最长{MAX_DAYS}天", status=422, field="to")
    return period
