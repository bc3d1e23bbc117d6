"""My funnel over the window (DESIGN §5 insights): share opens → new bindings to me → first
orders → repeat orders.

- 打开: opens of my shares counted in the window (``opens``).
- 绑定: users whose binding to me was made (or remade) in the window.
- 首单: my counted orders in the window that were the buyer's first paid order at the shop.
- 复购: my other counted orders in the window (the buyer had paid for an order before).
绑定 and 首单 carry their conversion from the step before, in basis points, half-up. 复购 is not a
conversion of 首单 (one first buyer may come back many times), so it carries none."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from fenxiao.distribution.insights.opens import OpenCounts
from fenxiao.distribution.insights.window import Window, attributed_orders, ratio_bps
from fenxiao.distribution.models import Referral
from fenxiao.orders.models import Order


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    rate_bps: int | None  # conversion from the step before; None for 打开 and 复购


def funnel(*, distributor_id: int, window: Window, opens: OpenCounts) -> list[FunnelStep]:
    bindings = Referral.objects.filter(
        distributor_id=distributor_id, bound_at__gte=window.start, bound_at__lt=window.end
    ).count()
    orders = attributed_orders(distributor_id=distributor_id, window=window)
    earlier = Order.objects.filter(buyer_id=OuterRef("buyer_id"), paid_at__lt=OuterRef("paid_at"))
    total = orders.count()
    first = orders.filter(~Exists(earlier)).count()
    return [
        FunnelStep("opens", "打开", opens.total, None),
        FunnelStep("bindings", "绑定", bindings, ratio_bps(bindings, opens.total)),
        FunnelStep("first_orders", "首单", first, ratio_bps(first, bindings)),
        FunnelStep("repeat_orders", "复购", total - first, None),
    ]
