"""A metric over time: the period cut into days, ISO weeks (Monday first) or calendar months,
each bucket clipped to the period, each value computed exactly as the overview computes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from fenxiao.analytics.metrics.figures import figures_get
from fenxiao.analytics.periods import DayRange, month_end

Granularity = Literal["day", "week", "month"]
MAX_POINTS = 400


@dataclass(frozen=True)
class TrendPoint:
    label: str
    span: DayRange
    value: int | None


@dataclass(frozen=True)
class Trend:
    metric: str
    granularity: Granularity
    points: list[TrendPoint]


def buckets(span: DayRange, granularity: Granularity) -> list[DayRange]:
    out = []
    day = span.first
    while day <= span.last:
        if granularity == "day":
            end = day
        elif granularity == "week":
            end = day + timedelta(days=6 - day.weekday())
        else:
            end = month_end(day)
        end = min(end, span.last)
        out.append(DayRange(day, end))
        day = end + timedelta(days=1)
    return out


def _label(bucket: DayRange, granularity: Granularity) -> str:
    if granularity == "month":
        return bucket.first.strftime("%Y-%m")
    if granularity == "week":
        year, week, _ = bucket.first.isocalendar()
        return f"{year}-W{week:02d}"
    return bucket.first.isoformat()


def bucket_count(span: DayRange, granularity: Granularity) -> int:
    return len(buckets(span, granularity)) if granularity != "day" else span.days


def trend_get(*, metric: str, span: DayRange, granularity: Granularity) -> Trend:
    """``metric`` is one of ``definitions.TREND_METRICS`` (the caller checks)."""
    points = []
    for bucket in buckets(span, granularity):
        value = getattr(figures_get(bucket), metric)
        points.append(TrendPoint(label=_label(bucket, granularity), span=bucket, value=value))
    return Trend(metric=metric, granularity=granularity, points=points)
