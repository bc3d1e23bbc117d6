"""The shapes of the distributor's insights and of a share-open report. Counts are integers,
money integer fen, rates basis points (half-up); lists by hour have 24 entries (local hour 0
first), lists by weekday 7 (Monday first)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import field_validator

from fenxiao.core.media import media_url
from fenxiao.distribution.insights.products import ProductFigure
from fenxiao.distribution.insights.report import Insights
from fenxiao.distribution.insights.window import DEFAULT_DAYS, WINDOW_DAYS

CODE_PATTERN = r"^[A-Za-z0-9]{1,16}$"


class InsightsQuery(Schema):
    # A query parameter is text: ``Literal[7, 30, 90]`` would refuse "30", so the number is read
    # as an int and then held to the three windows.
    days: int = Field(
        DEFAULT_DAYS,
        description="统计窗口：最近 7、30 或 90 天（含今天，按本地日期）",
        json_schema_extra={"enum": list(WINDOW_DAYS)},
    )

    @field_validator("days")
    @classmethod
    def _one_of_the_windows(cls, value: int) -> int:
        if value not in WINDOW_DAYS:
            raise ValueError("days must be 7, 30 or 90")
        return value


class OpenIn(Schema):
    code: Annotated[str, Field(pattern=CODE_PATTERN, description="分销商推广码")]
    channel: Literal["link", "share", "scene", "poster"] = Field(
        "share", description="link H5 链接；share 小程序分享卡片；scene 小程序码；poster 海报上的小程序码"
    )


class OpenOut(Schema):
    counted: bool


class WindowOut(Schema):
    days: int
    first_day: date
    last_day: date


class InsightProductOut(Schema):
    product_id: int
    title: str
    image: str
    units: int
    orders: int
    commission_per_unit_fen: int  # what I would earn at level 1 on one unit at its lowest price today


class ProductsOut(Schema):
    mine: list[InsightProductOut]
    shop: list[InsightProductOut]


class WhenOut(Schema):
    orders_by_hour: list[int]
    orders_by_weekday: list[int]
    opens_by_hour: list[int]
    opens_by_weekday: list[int]
    opens_by_channel: dict[str, int]


class ProvinceOut(Schema):
    province: str
    orders: int


class CustomersOut(Schema):
    buyers: int
    new_buyers: int
    returning_buyers: int
    orders: int
    gmv_fen: int
    per_buyer_fen: int
    repeat_buyers: int
    repurchase_bps: int
    provinces: list[ProvinceOut]


class FunnelStepOut(Schema):
    key: Literal["opens", "bindings", "first_orders", "repeat_orders"]
    label: str
    count: int
    rate_bps: int | None


class InsightsOut(Schema):
    window: WindowOut
    products: ProductsOut
    when: WhenOut
    customers: CustomersOut
    funnel: list[FunnelStepOut]


def _product(p: ProductFigure, request: HttpRequest) -> dict:
    return {
        "product_id": p.product_id,
        "title": p.title,
        "image": media_url(p.main_image, request),
        "units": p.units,
        "orders": p.orders,
        "commission_per_unit_fen": p.commission_per_unit_fen,
    }


def insights_dict(found: Insights, request: HttpRequest) -> dict:
    w = found.window
    return {
        "window": {"days": w.days, "first_day": w.first_day, "last_day": w.last_day},
        "products": {
            "mine": [_product(p, request) for p in found.products.mine],
            "shop": [_product(p, request) for p in found.products.shop],
        },
        "when": {
            "orders_by_hour": found.orders.by_hour,
            "orders_by_weekday": found.orders.by_weekday,
            "opens_by_hour": found.opens.by_hour,
            "opens_by_weekday": found.opens.by_weekday,
            "opens_by_channel": found.opens.by_channel,
        },
        "customers": vars(found.customers) | {"provinces": [vars(p) for p in found.customers.provinces]},
        "funnel": [vars(s) for s in found.funnel],
    }
