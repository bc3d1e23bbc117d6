"""The data centre's figures for a period, each computed from the rollups (never by scanning
orders). The definitions the operator reads are in ``definitions``; each function here says the
same, and ``tests/analytics`` recompute every one from the raw rows and compare."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from fenxiao.analytics.models import BuyerDay, BuyerReturnMonth, SalesDay, SoldMonth
from fenxiao.analytics.periods import DayRange, month_start
from fenxiao.analytics.rollups.sold_months import sold_in
from fenxiao.catalog.models import Product
from fenxiao.core.ratios import bps, half_up, milli
from fenxiao.distribution.models import Distributor, DistributorStatus

SALES_SUMS = (
    "gmv_fen",
    "paid_orders",
    "units",
    "buyers",
    "referred_gmv_fen",
    "commission_fen",
    "refund_fen",
    "new_buyers",
    "new_buyers_distribution",
    "new_buyers_invite",
    "new_buyers_organic",
    "new_buyer_commission_fen",
    "converted_buyers",
)


@dataclass(frozen=True)
class Figures:
    gmv_fen: int
    paid_orders: int
    buyers: int
    aov_fen: int | None
    per_order_fen: int | None
    refund_fen: int
    distributor_activity_bps: int | None
    commission_fen: int
    commission_share_bps: int | None
    distribution_gmv_share_bps: int | None
    conversion_bps: int | None
    k_factor_milli: int | None
    new_buyers: int
    new_buyer_sources: dict[str, int]
    cac_fen: int | None
    product_activity_bps: int | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def sales_sums(span: DayRange) -> dict[str, int]:
    """The additive figures of the period: one ``SUM`` over its days. ``buyers`` here is the sum
    of each day's buyers, which is the distinct count only for a single day."""
    return SalesDay.objects.filter(day__gte=span.first, day__lte=span.last).aggregate(
        **{name: Coalesce(Sum(name), 0) for name in SALES_SUMS}
    )


def distinct_buyers(span: DayRange) -> int:
    """Users who paid at least once in the period.

    Each of them has exactly one paid day in the period whose previous paid day is before it
    starts. Those whose previous day is before the period's first month are summed from
    ``BuyerReturnMonth`` (a few rows per day); the rest, whose previous day falls in the first
    month before the period starts, are counted from ``BuyerDay`` rows of at most that month."""
    first_month = month_start(span.first)
    by_month = BuyerReturnMonth.objects.filter(
        day__gte=span.first, day__lte=span.last, prev_month__lt=first_month
    ).aggregate(n=Coalesce(Sum("buyers"), 0))["n"]
    if first_month == span.first:
        return by_month
    this_month = BuyerDay.objects.filter(
        prev_day__gte=first_month, prev_day__lt=span.first, day__gte=span.first, day__lte=span.last
    ).count()
    return by_month + this_month


def active_distributors(span: DayRange):
    """Distributors in good standing when the period ends: joined before its end and not
    suspended at that moment (a suspension recorded after the end does not count against it)."""
    end = span.end
    return Distributor.objects.filter(joined_at__lt=end).filter(
        Q(status=DistributorStatus.ACTIVE) | Q(status=DistributorStatus.SUSPENDED, suspended_at__gte=end)
    )


def distributor_activity_bps(span: DayRange) -> int | None:
    """分销商动销率: active distributors (at the period's end) with at least one paid order in the
    period whose level-1 referrer (the order's snapshot) is them ÷ active distributors."""
    n = active_distributors(span).aggregate(
        active=Count("id"), selling=Count("id", filter=sold_in(kind=SoldMonth.Kind.DISTRIBUTOR, span=span))
    )
    return bps(n["selling"], n["active"])


def product_activity_bps(span: DayRange) -> int | None:
    """商品动销率: products on the shelf now with at least one unit paid for in the period ÷
    products on the shelf now (the shelf's history is not kept)."""
    n = Product.objects.filter(is_on_shelf=True).aggregate(
        on_shelf=Count("id"), sold=Count("id", filter=sold_in(kind=SoldMonth.Kind.PRODUCT, span=span))
    )
    return bps(n["sold"], n["on_shelf"])


FIGURE_KEYS = tuple(Figures.__dataclass_fields__)
BuyersOf = Callable[[DayRange], int]


def figure_values(span: DayRange, keys: Iterable[str] | None = None, *, buyers_of: BuyersOf = distinct_buyers) -> dict:
    """The figures named in ``keys`` (all by default), each computed only when asked for: a
    trend of GMV needs one ``SUM``, not the distinct counts. ``buyers_of`` lets a caller that
    asks about overlapping periods (an overview and the period before it) count each once."""
    wanted = set(FIGURE_KEYS if keys is None else keys)
    s = sales_sums(span)
    out: dict[str, object] = {}

    def period_buyers() -> int:
        return s["buyers"] if span.days == 1 else buyers_of(span)

    if wanted & {"buyers", "aov_fen"}:
        buyers = period_buyers()
        out["buyers"], out["aov_fen"] = buyers, half_up(s["gmv_fen"], buyers)
    for key in ("gmv_fen", "paid_orders", "refund_fen", "commission_fen", "new_buyers"):
        out[key] = s[key]
    out["per_order_fen"] = half_up(s["gmv_fen"], s["paid_orders"])
    out["commission_share_bps"] = bps(s["commission_fen"], s["gmv_fen"])
    out["distribution_gmv_share_bps"] = bps(s["referred_gmv_fen"], s["gmv_fen"])
    out["new_buyer_sources"] = {
        "distribution": s["new_buyers_distribution"],
        "invite": s["new_buyers_invite"],
        "organic": s["new_buyers_organic"],
    }
    out["cac_fen"] = half_up(s["new_buyer_commission_fen"], s["new_buyers_distribution"])
    if "distributor_activity_bps" in wanted:
        out["distributor_activity_bps"] = distributor_activity_bps(span)
    if "conversion_bps" in wanted:
        # Users whose first paid order falls in the period and who became distributors within
        # 30 days after it, counted on the first-paid day when they join (``SalesDay``).
        out["conversion_bps"] = bps(s["converted_buyers"], s["new_buyers"])
    if "k_factor_milli" in wanted:
        referred_new = s["new_buyers_distribution"] + s["new_buyers_invite"]
        out["k_factor_milli"] = milli(referred_new, buyers_of(span.previous()))
    if "product_activity_bps" in wanted:
        out["product_activity_bps"] = product_activity_bps(span)
    return {key: out[key] for key in FIGURE_KEYS if key in wanted}


def figures_get(span: DayRange, *, buyers_of: BuyersOf = distinct_buyers) -> Figures:
    return Figures(**figure_values(span, buyers_of=buyers_of))
