"""A metric over time: the period cut into days, ISO weeks (Monday first) or calendar months,
each bucket clipped to the period, each value computed exactly as the overview computes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Literal

from fenxiao.analytics.metrics.figures import distinct_buyers, figure_values
from fenxiao.analytics.periods import DayRange, month_end
from fenxiao.core.plans import custom_plans
from fenxiao.core.replica import lag_tolerant_reads

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
    return trends_get(metrics=[metric], span=span, granularity=granularity)[0]


@lag_tolerant_reads()
@custom_plans()
def trends_get(*, metrics: list[str], span: DayRange, granularity: Granularity) -> list[Trend]:
    """Several metrics over the same buckets, each bucket's figures computed once: the data
    centre page draws four or more trends at a time, and each ``figures_get`` is a few queries."""
    buyers_of = cache(distinct_buyers)  # a week's K-factor needs the week before's buyers
    per_bucket = [
        (bucket, figure_values(bucket, metrics, buyers_of=buyers_of)) for bucket in buckets(span, granularity)
    ]
    return [
        Trend(
            metric=metric,
            granularity=granularity,
            points=[
                TrendPoint(label=_label(bucket, granularity), span=bucket, value=values[metric])
                for bucket, values in per_bucket
            ],
        )
        for metric in metrics
    ]
