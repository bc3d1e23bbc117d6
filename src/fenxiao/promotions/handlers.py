"""Subscribers to order events and the expiry sweep (registered in PromotionsConfig.ready)."""

from __future__ import annotations

from datetime import datetime

from fenxiao.promotions.coupons.claims import coupons_return_for_order, user_coupons_expire
from fenxiao.promotions.group_buy.groups import group_member_paid, group_member_refunded, group_member_released


def on_order_undone(*, order_id: int, **_: object) -> None:
    """``order_cancelled`` and ``order_closed`` (every unit refunded): give the coupon back."""
    coupons_return_for_order(order_id=order_id)


def sweep_expire_coupons(*, now: datetime) -> int:
    return user_coupons_expire(now=now)


def on_group_order_paid(*, order_id: int, **_: object) -> None:
    group_member_paid(order_id=order_id)


def on_group_order_cancelled(*, order_id: int, **_: object) -> None:
    group_member_released(order_id=order_id)


def on_group_order_closed(*, order_id: int, **_: object) -> None:
    group_member_refunded(order_id=order_id)
