"""The data centre's overview: every figure of a period beside the same figures of the period of
equal length just before it, with the definitions and health bands."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fenxiao.analytics.metrics.definitions import METRICS, Health
from fenxiao.analytics.metrics.figures import Figures, distinct_buyers, figures_get
from fenxiao.analytics.periods import DayRange
from fenxiao.core.plans import custom_plans
from fenxiao.core.replica import lag_tolerant_reads


@dataclass(frozen=True)
class Overview:
    span: DayRange
    previous_span: DayRange
    metrics: Figures
    previous: Figures
    health: dict[str, Health]


@lag_tolerant_reads()
@custom_plans()
def overview_get(*, span: DayRange) -> Overview:
    previous_span = span.previous()
    buyers_of = cache(distinct_buyers)  # the previous period's buyers serve both K-factors' needs
    metrics = figures_get(span, buyers_of=buyers_of)
    values = metrics.as_dict()
    health = {}
    for key, definition in METRICS.items():
        verdict = definition.health(values.get(key)) if definition.unit != "sources" else None
        if verdict is not None:
            health[key] = verdict
    return Overview(
        span=span,
        previous_span=previous_span,
        metrics=metrics,
        previous=figures_get(previous_span, buyers_of=buyers_of),
        health=health,
    )
