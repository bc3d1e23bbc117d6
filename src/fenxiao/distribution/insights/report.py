"""The insights page in one call: the caller's window, then products, times, customers and funnel
(about a dozen bounded queries, whatever the size of the shop)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fenxiao.core.errors import Forbidden
from fenxiao.distribution.insights.audience import Customers, OrderTimes, customer_figures, order_times
from fenxiao.distribution.insights.funnel import FunnelStep, funnel
from fenxiao.distribution.insights.opens import OpenCounts, open_counts
from fenxiao.distribution.insights.products import ProductInsights, product_insights
from fenxiao.distribution.insights.window import Window, window_for
from fenxiao.distribution.models import Distributor


@dataclass(frozen=True)
class Insights:
    window: Window
    products: ProductInsights
    orders: OrderTimes
    opens: OpenCounts
    customers: Customers
    funnel: list[FunnelStep]


def insights_get(*, distributor: Distributor, days: int, now: datetime | None = None) -> Insights:
    """Only an active distributor has insights to act on: a suspended one cannot share."""
    if not distributor.is_active:
        raise Forbidden("DIST_SUSPENDED", "您的分销资格已暂停，暂不能推广")
    window = window_for(days=days, now=now)
    opens = open_counts(distributor_id=distributor.id, window=window)
    return Insights(
        window=window,
        products=product_insights(distributor=distributor, window=window),
        orders=order_times(distributor_id=distributor.id, window=window),
        opens=opens,
        customers=customer_figures(distributor_id=distributor.id, window=window),
        funnel=funnel(distributor_id=distributor.id, window=window, opens=opens),
    )
