"""When my customers buy and who they are (DESIGN §5 insights: "when to share", "who buys"), over
my counted attributed orders in the window (see ``window``). Aggregates only, in SQL: hours and
weekdays in the shop's time zone, provinces from the order's shipping address, buyers by id.

- 新客 / 老客: a buyer is new when they had no paid order at the shop (through anyone) before the
  window, returning otherwise. A later refund does not unmake an earlier purchase.
- 客单价: net paid (paid less refunded, shipping included) ÷ buyers, in fen, rounded half-up.
- 复购率: buyers with two or more counted orders in the window ÷ buyers, basis points, half-up."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from fenxiao.distribution.insights.window import Window, attributed_orders, divide_half_up, ratio_bps
from fenxiao.orders.models import Order

TOP_PROVINCES = 5
OTHER_PROVINCES = "其他"


@dataclass(frozen=True)
class OrderTimes:
    by_hour: list[int]  # my counted orders per local hour, 0..23
    by_weekday: list[int]  # Monday first


@dataclass(frozen=True)
class ProvinceCount:
    province: str
    orders: int


@dataclass(frozen=True)
class Customers:
    buyers: int
    new_buyers: int
    returning_buyers: int
    orders: int
    gmv_fen: int
    per_buyer_fen: int
    repeat_buyers: int
    repurchase_bps: int
    provinces: list[ProvinceCount]


def order_times(*, distributor_id: int, window: Window) -> OrderTimes:
    orders = attributed_orders(distributor_id=distributor_id, window=window)
    by_hour = [0] * 24
    for r in orders.annotate(h=ExtractHour("paid_at")).values("h").annotate(n=Count("id")).order_by():
        by_hour[r["h"]] = r["n"]
    by_weekday = [0] * 7
    for r in orders.annotate(w=ExtractIsoWeekDay("paid_at")).values("w").annotate(n=Count("id")).order_by():
        by_weekday[r["w"] - 1] = r["n"]
    return OrderTimes(by_hour=by_hour, by_weekday=by_weekday)


def _provinces(orders) -> list[ProvinceCount]:
    rows = list(orders.values("province").annotate(n=Count("id")).order_by("-n", "province"))
    top = [ProvinceCount(r["province"] or OTHER_PROVINCES, r["n"]) for r in rows[:TOP_PROVINCES]]
    rest = sum(r["n"] for r in rows[TOP_PROVINCES:])
    return [*top, ProvinceCount(OTHER_PROVINCES, rest)] if rest else top


def customer_figures(*, distributor_id: int, window: Window) -> Customers:
    orders = attributed_orders(distributor_id=distributor_id, window=window)
    per_buyer = (
        orders.values("buyer_id")
        .annotate(
            n=Count("id"),
            gmv=Sum(F("paid_fen") - F("refunded_fen")),
            earlier=Exists(Order.objects.filter(buyer_id=OuterRef("buyer_id"), paid_at__lt=window.start)),
        )
        .order_by()
    )
    buyers = repeat = returning = order_count = gmv = 0
    for r in per_buyer:
        buyers += 1
        order_count += r["n"]
        gmv += int(r["gmv"] or 0)
        repeat += r["n"] >= 2
        returning += bool(r["earlier"])
    return Customers(
        buyers=buyers,
        new_buyers=buyers - returning,
        returning_buyers=returning,
        orders=order_count,
        gmv_fen=gmv,
        per_buyer_fen=divide_half_up(gmv, buyers),
        repeat_buyers=repeat,
        repurchase_bps=ratio_bps(repeat, buyers),
        provinces=_provinces(orders),
    )
