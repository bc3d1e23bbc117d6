"""What sells (DESIGN §5 insights): the products my customers bought most in the window, and the
shop's best sellers over the same window, each with what I would earn on one unit today.

Units are net of refunded units; a product's ``orders`` counts the orders that still hold at least
one of its units. The shop-wide list is the same for every distributor, so it is cached for a few
minutes per window (keyed by the window's last day, so midnight starts a new one); the commission
beside it is mine and is never cached with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, QuerySet, Sum

from fenxiao.distribution.commission.preview import commission_per_unit
from fenxiao.distribution.insights.window import Window, attributed_orders, paid_in
from fenxiao.distribution.models import Distributor
from fenxiao.orders.models import Order, OrderLine

TOP_PRODUCTS = 10
SHOP_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ProductFigure:
    product_id: int
    title: str
    main_image: str
    units: int
    orders: int
    commission_per_unit_fen: int


def _top(orders: QuerySet[Order]) -> list[dict]:
    net_units = F("quantity") - F("refunded_quantity")
    rows = (
        OrderLine.objects.filter(order_id__in=orders.values("id"))
        .filter(quantity__gt=F("refunded_quantity"))
        .values("product_id", "product__title", "product__main_image")
        .annotate(units=Sum(net_units), orders=Count("order_id", distinct=True))
        .order_by("-units", "-orders", "product_id")[:TOP_PRODUCTS]
    )
    return [
        {
            "product_id": r["product_id"],
            "title": r["product__title"],
            "main_image": r["product__main_image"],
            "units": int(r["units"]),
            "orders": int(r["orders"]),
        }
        for r in rows
    ]


def shop_top(*, window: Window) -> list[dict]:
    key = f"insights:shop-top:{window.days}:{window.last_day.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _top(paid_in(window))
        cache.set(key, found, SHOP_CACHE_SECONDS)
    return found


def _with_commission(rows: list[dict], per_unit: dict[int, int]) -> list[ProductFigure]:
    return [ProductFigure(**r, commission_per_unit_fen=per_unit.get(r["product_id"], 0)) for r in rows]


@dataclass(frozen=True)
class ProductInsights:
    mine: list[ProductFigure]
    shop: list[ProductFigure]


def product_insights(*, distributor: Distributor, window: Window) -> ProductInsights:
    mine = _top(attributed_orders(distributor_id=distributor.id, window=window))
    shop = shop_top(window=window)
    per_unit = commission_per_unit(
        distributor=distributor, product_ids={r["product_id"] for r in mine} | {r["product_id"] for r in shop}
    )
    return ProductInsights(mine=_with_commission(mine, per_unit), shop=_with_commission(shop, per_unit))
