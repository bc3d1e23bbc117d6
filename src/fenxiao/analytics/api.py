"""The data centre's API (``/api/v1/admin/analytics/...``): staff tokens with the 查看数据中心
permission. Periods are local dates in the shop's time zone, ``from``..``to`` inclusive."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from fenxiao.accounts.auth import staff_auth
from fenxiao.analytics.metrics.cohorts import MAX_MONTHS, cohorts_get, month_count
from fenxiao.analytics.metrics.definitions import METRICS, REPURCHASE, TREND_METRICS, MetricDefinition
from fenxiao.analytics.metrics.overview import overview_get
from fenxiao.analytics.metrics.rankings import rankings_get
from fenxiao.analytics.metrics.trend import MAX_POINTS, bucket_count, trend_get
from fenxiao.analytics.periods import DayRange
from fenxiao.analytics.schemas import CohortsOut, OverviewOut, RankingsOut, TrendOut
from fenxiao.core.errors import DomainError, Forbidden
from fenxiao.core.openapi_errors import answers

router = Router(tags=["数据中心"], auth=staff_auth)

PERMISSION = "analytics.view_datacentre"
MAX_DAYS = 732  # two years: a year beside the year before it
Day = date
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class AnalyticsRangeQuery(Schema):
    from_: Day = Field(..., alias="from", ge=date(2000, 1, 1), le=date(9998, 12, 31))
    to: Day = Field(..., ge=date(2000, 1, 1), le=date(9998, 12, 31))


class AnalyticsTrendQuery(AnalyticsRangeQuery):
    metric: str
    granularity: Literal["day", "week", "month"] = "day"


class AnalyticsCohortQuery(Schema):
    from_month: str = Field(..., min_length=7, max_length=7)
    to_month: str = Field(..., min_length=7, max_length=7)


class AnalyticsRankingQuery(AnalyticsRangeQuery):
    kind: Literal["products", "distributors", "categories"]
    limit: int = Field(10, ge=1, le=50)


def _authorise(request: HttpRequest) -> None:
    if not request.auth.has_perm(PERMISSION):
        raise Forbidden("ANALYTICS_FORBIDDEN", "没有查看数据中心的权限")


def _span(q: AnalyticsRangeQuery) -> DayRange:
    if q.from_ > q.to:
        raise DomainError("ANALYTICS_RANGE_INVALID", "开始日期不能晚于结束日期", status=422, field="from")
    span = DayRange(q.from_, q.to)
    if span.days > MAX_DAYS:
        raise DomainError("ANALYTICS_RANGE_TOO_LONG", f"统计区间最长 {MAX_DAYS} 天", status=422, field="to")
    return span


def _definition(d: MetricDefinition) -> dict:
    return {
        "label": d.label,
        "unit": d.unit,
        "definition": d.definition,
        "band_low": d.band_low,
        "band_high": d.band_high,
    }


@router.get("/analytics/overview", response=OverviewOut, by_alias=True, summary="经营概览")
@answers(403)
def overview(request: HttpRequest, q: Query[AnalyticsRangeQuery]):
    _authorise(request)
    o = overview_get(span=_span(q))
    return {
        "from": o.span.first,
        "to": o.span.last,
        "previous_from": o.previous_span.first,
        "previous_to": o.previous_span.last,
        "metrics": o.metrics.as_dict(),
        "previous": o.previous.as_dict(),
        "health": o.health,
        "definitions": {key: _definition(d) for key, d in METRICS.items()},
    }


@router.get("/analytics/trend", response=TrendOut, by_alias=True, summary="指标趋势")
@answers(403)
def trend(request: HttpRequest, q: Query[AnalyticsTrendQuery]):
    _authorise(request)
    span = _span(q)
    if q.metric not in TREND_METRICS:
        raise DomainError(
            "ANALYTICS_METRIC_UNKNOWN", f"不支持的指标，可选：{'、'.join(TREND_METRICS)}", status=422, field="metric"
        )
    if bucket_count(span, q.granularity) > MAX_POINTS:
        raise DomainError("ANALYTICS_TOO_MANY_POINTS", f"趋势最多 {MAX_POINTS} 个点，请改按周或按月", status=422)
    t = trend_get(metric=q.metric, span=span, granularity=q.granularity)
    return {
        "metric": t.metric,
        "granularity": t.granularity,
        "definition": _definition(METRICS[t.metric]),
        "points": [{"label": p.label, "from": p.span.first, "to": p.span.last, "value": p.value} for p in t.points],
    }


def _month(value: str, field: str) -> date:
    if not MONTH.match(value):
        raise DomainError("ANALYTICS_MONTH_INVALID", "月份格式应为 YYYY-MM", status=422, field=field)
    return date(int(value[:4]), int(value[5:]), 1)


@router.get("/analytics/cohorts", response=CohortsOut, summary="次月复购率（按月分群）")
@answers(403)
def cohorts(request: HttpRequest, q: Query[AnalyticsCohortQuery]):
    _authorise(request)
    first, last = _month(q.from_month, "from_month"), _month(q.to_month, "to_month")
    if first > last:
        raise DomainError("ANALYTICS_RANGE_INVALID", "开始月份不能晚于结束月份", status=422, field="from_month")
    if month_count(first, last) > MAX_MONTHS:
        raise DomainError("ANALYTICS_RANGE_TOO_LONG", f"最多 {MAX_MONTHS} 个月", status=422, field="to_month")
    rows = cohorts_get(from_month=first, to_month=last)
    return {
        "definition": _definition(REPURCHASE),
        "rows": [{**asdict(r), "month": r.month.strftime("%Y-%m")} for r in rows],
    }


@router.get("/analytics/rankings", response=RankingsOut, by_alias=True, summary="排行榜")
@answers(403)
def rankings(request: HttpRequest, q: Query[AnalyticsRankingQuery]):
    _authorise(request)
    span = _span(q)
    r = rankings_get(kind=q.kind, span=span, limit=q.limit)
    return {
        "kind": r.kind,
        "from": span.first,
        "to": span.last,
        "by_gmv": [asdict(row) for row in r.by_gmv],
        "by_units": [asdict(row) for row in r.by_units],
    }
