"""Everything the data centre page shows for one period: the metric cards against the previous
period, a trend per chosen metric, the repurchase cohorts and the rankings, each chart's numbers
also as a table, and the raw figures the charts draw (embedded with ``json_script``: the API
is for bearer tokens, and the page needs no second round trip)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from fenxiao.analytics.datacentre.cards import Card, cards_for
from fenxiao.analytics.datacentre.display import HEALTH_TEXT, band_text, format_value
from fenxiao.analytics.datacentre.ranges import cohort_months, granularity_for
from fenxiao.analytics.metrics.cohorts import CohortRow, cohorts_get
from fenxiao.analytics.metrics.definitions import METRICS, REPURCHASE
from fenxiao.analytics.metrics.overview import Overview, overview_get
from fenxiao.analytics.metrics.rankings import Rankings, RankRow, rankings_get
from fenxiao.analytics.metrics.trend import Trend, trends_get
from fenxiao.analytics.periods import DayRange

RANKING_KINDS = (("products", "商品"), ("distributors", "分销商"), ("categories", "类目"))
RANKING_LIMIT = 10
GRANULARITY_TEXT = {"day": "按日", "week": "按周", "month": "按月"}


@dataclass(frozen=True)
class TrendRow:
    label: str
    first: str
    last: str
    value: str


@dataclass(frozen=True)
class TrendView:
    metric: str
    label: str
    definition: str
    rows: list[TrendRow]


@dataclass(frozen=True)
class CohortView:
    month: str
    buyers: int
    repeat_buyers: int
    rate: str
    complete: bool
    health: str | None
    health_text: str


@dataclass(frozen=True)
class RankView:
    rank: int
    name: str
    orders: int
    units: int
    gmv: str


@dataclass(frozen=True)
class RankingView:
    kind: str
    label: str
    by_gmv: list[RankView]
    by_units: list[RankView]


def _ranking_view(kind: str, label: str, rankings: Rankings) -> RankingView:
    def rows(ranked: list[RankRow]) -> list[RankView]:
        return [RankView(n, r.name, r.orders, r.units, format_value(r.gmv_fen, "fen")) for n, r in enumerate(ranked, 1)]

    return RankingView(kind, label, rows(rankings.by_gmv), rows(rankings.by_units))


@dataclass(frozen=True)
class DataCentrePage:
    span: DayRange
    previous_span: DayRange
    granularity: str
    granularity_text: str
    cards: list[Card]
    trends: list[TrendView]
    cohorts: list[CohortView]
    repurchase_definition: str
    repurchase_band: str
    rankings: list[RankingView]
    chart_data: dict


def _trend_view(trend: Trend) -> TrendView:
    definition = METRICS[trend.metric]
    return TrendView(
        metric=trend.metric,
        label=definition.label,
        definition=definition.definition,
        rows=[
            TrendRow(p.label, p.span.first.isoformat(), p.span.last.isoformat(), format_value(p.value, definition.unit))
            for p in trend.points
        ],
    )


def _cohort_view(row: CohortRow) -> CohortView:
    return CohortView(
        month=row.month.strftime("%Y-%m"),
        buyers=row.buyers,
        repeat_buyers=row.repeat_buyers,
        rate=format_value(row.rate_bps, "bps"),
        complete=row.complete,
        health=row.health,
        health_text=HEALTH_TEXT.get(row.health or "", "") if row.complete else "未完结",
    )


def _chart_data(overview: Overview, trends: list[Trend], cohorts: list[CohortRow], products: Rankings) -> dict:
    """The same numbers as the API answers (integers in fen, bps, thousandths), for the charts."""
    return {
        "overview": {
            "from": overview.span.first,
            "to": overview.span.last,
            "previous_from": overview.previous_span.first,
            "previous_to": overview.previous_span.last,
            "metrics": overview.metrics.as_dict(),
            "previous": overview.previous.as_dict(),
            "health": overview.health,
        },
        "trends": [
            {
                "metric": t.metric,
                "label": METRICS[t.metric].label,
                "unit": METRICS[t.metric].unit,
                "granularity": t.granularity,
                "points": [
                    {"label": p.label, "from": p.span.first, "to": p.span.last, "value": p.value} for p in t.points
                ],
            }
            for t in trends
        ],
        "cohorts": [{**asdict(r), "month": r.month.strftime("%Y-%m")} for r in cohorts],
        "repurchase": {"band_low": REPURCHASE.band_low, "band_high": REPURCHASE.band_high},
        "products_by_gmv": [asdict(r) for r in products.by_gmv],
    }


def datacentre_page_get(*, span: DayRange, metrics: list[str]) -> DataCentrePage:
    """``metrics`` are trend metrics (the form has checked them)."""
    overview = overview_get(span=span)
    granularity = granularity_for(span)
    trends = trends_get(metrics=metrics, span=span, granularity=granularity)
    from_month, to_month = cohort_months(span)
    cohorts = cohorts_get(from_month=from_month, to_month=to_month)
    rankings = {kind: rankings_get(kind=kind, span=span, limit=RANKING_LIMIT) for kind, _ in RANKING_KINDS}
    return DataCentrePage(
        span=span,
        previous_span=overview.previous_span,
        granularity=granularity,
        granularity_text=GRANULARITY_TEXT[granularity],
        cards=cards_for(tuple(METRICS), overview.metrics, overview.previous),
        trends=[_trend_view(t) for t in trends],
        cohorts=[_cohort_view(r) for r in cohorts],
        repurchase_definition=REPURCHASE.definition,
        repurchase_band=band_text(REPURCHASE),
        rankings=[_ranking_view(kind, label, rankings[kind]) for kind, label in RANKING_KINDS],
        chart_data=_chart_data(overview, trends, cohorts, rankings["products"]),
    )
