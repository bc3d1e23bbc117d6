"""Quarters and years as the tax report counts them: local calendar dates in the shop's time zone
(``core.shop_time``). A commission booked at 16:30 UTC on 31 March is 00:30 on 1 April in Beijing
and belongs to Q2; a period is half-open: ``start <= moment < end``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from fenxiao.core.shop_time import day_start as local_midnight

QUARTER = re.compile(r"([0-9]{4})[Qq]([1-4])")
YEAR = re.compile(r"[0-9]{4}")
FIRST_YEAR = 2000
LAST_YEAR = 9998


@dataclass(frozen=True)
class Period:
    """Local dates ``first`` (inclusive) to ``after`` (exclusive), and its label."""

    label: str
    first: date
    after: date

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        return local_midnight(self.after)


def quarter_period(year: int, quarter: int) -> Period:
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(label=f"{year}Q{quarter}", first=first, after=after)


def year_period(year: int) -> Period:
    return Period(label=str(year), first=date(year, 1, 1), after=date(year + 1, 1, 1))


def parse_quarter(raw: str) -> Period | None:
    """``2026Q4`` (or ``2026q4``) → 1 Oct 2026 to 1 Jan 2027; None for anything else."""
    match = QUARTER.fullmatch((raw or "").strip())
    if match is None:
        return None
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return quarter_period(year, int(match.group(2)))


def parse_year(raw: str) -> Period | None:
    text = (raw or "").strip()
    if not YEAR.fullmatch(text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        return None
    return year_period(int(text))


def quarter_of(day: date) -> Period:
    return quarter_period(day.year, (day.month - 1) // 3 + 1)


def previous_quarter(day: date) -> Period:
    """The quarter to file in the month after it ends: the one before ``day``'s quarter."""
    current = quarter_of(day)
    return quarter_of(date.fromordinal(current.first.toordinal() - 1))
