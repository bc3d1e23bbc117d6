"""数据洞察 — the distributor's insights as an H5 page: what sells (with what one unit earns me),
when my customers buy and my shares are opened, who my customers are, and my funnel, over the
last 7, 30 or 90 days. The same selector as ``GET /api/v1/distribution/insights``.

Charts are plain CSS bars (each bar's width or height is its share of the largest value, in whole
percent) with the numbers beside them, so the page needs no script and reads as a table too."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse

from fenxiao.distribution.centre import selectors
from fenxiao.distribution.config.rules import bps_percent
from fenxiao.distribution.insights.report import insights_get
from fenxiao.distribution.insights.window import DEFAULT_DAYS, WINDOW_DAYS
from fenxiao.storefront.shortcuts import int_param, render_page
from fenxiao.storefront.views.centre import back_to_centre, distributor_page

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
CHANNEL_LABELS = {"link": "H5 链接", "share": "小程序分享", "scene": "小程序码", "poster": "海报"}


def bars(labels: Sequence[str], values: Sequence[int]) -> list[dict]:
    """Label, value and the bar's length in whole percent of the largest value (0 when all are 0)."""
    top = max(values, default=0)
    return [
        {"label": label, "value": value, "pct": value * 100 // top if top else 0}
        for label, value in zip(labels, values, strict=True)
    ]


def best_hours(values: Sequence[int], count: int = 3) -> list[int]:
    """The busiest hours, busiest first (earlier hour first on a tie); none when all are 0."""
    ranked = sorted((h for h, v in enumerate(values) if v), key=lambda h: (-values[h], h))
    return ranked[:count]


@distributor_page
def centre_insights(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    days = int_param(request.GET.get("days"), default=DEFAULT_DAYS)
    days = days if days in WINDOW_DAYS else DEFAULT_DAYS
    found = insights_get(distributor=distributor, days=days)
    hours = [f"{h}" for h in range(24)]
    customers = found.customers
    context = {
        "found": found,
        "days": days,
        "windows": WINDOW_DAYS,
        "order_hours": bars(hours, found.orders.by_hour),
        "open_hours": bars(hours, found.opens.by_hour),
        "weekdays": [
            {"label": label, "orders": orders, "opens": opens}
            for label, orders, opens in zip(
                WEEKDAYS, bars(WEEKDAYS, found.orders.by_weekday), bars(WEEKDAYS, found.opens.by_weekday), strict=True
            )
        ],
        "channels": bars([CHANNEL_LABELS[c] for c in found.opens.by_channel], list(found.opens.by_channel.values())),
        "best_order_hours": best_hours(found.orders.by_hour),
        "best_open_hours": best_hours(found.opens.by_hour),
        "provinces": bars([p.province for p in customers.provinces], [p.orders for p in customers.provinces]),
        "repurchase": bps_percent(customers.repurchase_bps),
        "funnel": [
            {**row, "rate": None if step.rate_bps is None else bps_percent(step.rate_bps)}
            for row, step in zip(
                bars([s.label for s in found.funnel], [s.count for s in found.funnel]), found.funnel, strict=True
            )
        ],
    }
    return render_page(request, "storefront/centre/insights.html", context, title="数据洞察", back=back_to_centre())
