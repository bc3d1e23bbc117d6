"""Reads the H5 pages need that no JSON endpoint had as a selector yet. The activity lists are the
same querysets as ``/api/v1/seckill`` and ``/api/v1/group-buy`` (running or upcoming, not paused),
shaped for templates. Group pages use ``promotions.group_buy.selectors``, as the API does."""

from __future__ import annotations

from datetime import datetime

from fenxiao.accounts.models import User
from fenxiao.core.media import media_url
from fenxiao.orders.models import CartItem
from fenxiao.promotions.group_buy import selectors as group_buy_selectors
from fenxiao.promotions.models import (
    SeckillActivity,
    SeckillStatus,
)
from fenxiao.promotions.seckill import activities as seckill_activities

SANDBOX_PREFIX = "sandbox-"


def sandbox_shopper_list(*, limit: int = 20) -> list[User]:
    """The sandbox login picker: active shoppers whose openid is a sandbox login code."""
    return list(
        User.objects.filter(openid__startswith=SANDBOX_PREFIX, is_active=True, is_staff=False)
        .exclude(openid__startswith="sandbox-phone-")
        .order_by("id")[:limit]
    )


def cart_count(*, user_id: int) -> int:
    return CartItem.objects.filter(user_id=user_id).count()


def seckill_list(*, now: datetime, product_id: int | None = None) -> list[dict]:
    qs = SeckillActivity.objects.select_related("sku__product").filter(status=SeckillStatus.ACTIVE, ends_at__gt=now)
    if product_id is not None:
        qs = qs.filter(sku__product_id=product_id)
    return [
        {
            "id": a.pk,
            "name": a.name,
            "product_id": a.sku.product_id,
            "title": a.sku.product.title,
            "image": media_url(a.sku.image or a.sku.product.main_image or ""),
            "price_fen": a.sku.price_fen,
            "seckill_price_fen": a.seckill_price_fen,
            "remaining": a.stock - a.sold,
            "stock": a.stock,
            "per_user_limit": a.per_user_limit,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "state": seckill_activities.seckill_window_state(a, now),
        }
        for a in qs.order_by("starts_at", "pk")[:100]
    ]


def _activity_dict(a, now: datetime) -> dict:
    card = group_buy_selectors.activity_card(a, now)
    return {**card, "image": media_url(card["image"])}


def group_buy_list(*, now: datetime, product_id: int | None = None) -> list[dict]:
    return [_activity_dict(a, now) for a in group_buy_selectors.running_activity_list(now=now, product_id=product_id)]


def group_buy_activity_get(*, activity_id: int, now: datetime) -> dict:
    return _activity_dict(group_buy_selectors.activity_get(activity_id=activity_id), now)


def active_distributor(*, user_id: int | None):
    """The viewer's distributor row when they may share (active), else None."""
    if user_id is None:
        return None
    from fenxiao.distribution.models import Distributor, DistributorStatus

    return Distributor.objects.select_related("user").filter(user_id=user_id, status=DistributorStatus.ACTIVE).first()


def default_address_id(*, user_id: int) -> int | None:
    """The address a one-tap purchase (seckill, group-buy) ships to unless the shopper picks one."""
    from fenxiao.accounts.models import Address

    return Address.objects.filter(user_id=user_id).order_by("-is_default", "-id").values_list("id", flat=True).first()
