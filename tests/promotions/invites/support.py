"""Building invite campaigns, new users and their first orders through the real services, for
the invite tests: accept, pay, ship, receive and let the after-sales window pass."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_confirm_receipt
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.orders.sweeps import sweep_complete_orders
from fenxiao.promotions.invites.acceptance import invite_accept, invite_code_ensure
from fenxiao.promotions.invites.campaigns import invite_campaign_create
from fenxiao.promotions.invites.models import Invite, InviteCampaign
from fenxiao.promotions.models import CouponTemplate
from tests.order_support import address_for, mark_paid, place_order
from tests.promotions.coupons.support import make_template

Commit = Callable[[], AbstractContextManager]


def make_user(name: str, *, nickname: str = "", phone: str = "") -> User:
    user = User.objects.create(username=f"wx_{name}", openid=name, nickname=nickname or name, phone=phone)
    address_for(user)
    return user


def reward_template(name: str, **fields: Any) -> CouponTemplate:
    """A reward coupon: 30 days from issue, 100 of them, unless told otherwise."""
    return make_template(**{"name": name, "valid_days_after_claim": 30, "total_quantity": 100, **fields})


def make_campaign(
    *, inviter_template: CouponTemplate, invitee_template: CouponTemplate, **fields: Any
) -> InviteCampaign:
    """Running since an hour ago for 30 days, no cap, first order within 30 days, ≥ ¥50."""
    now = timezone.now()
    values: dict[str, Any] = {
        "name": "邀请有礼",
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(days=30),
        "inviter_template_id": inviter_template.pk,
        "invitee_template_id": invitee_template.pk,
        "min_order_fen": 5_000,
        **fields,
    }
    return invite_campaign_create(fields=values)


def code_of(user: User) -> str:
    return invite_code_ensure(user_id=user.id).code


def accept(invitee: User, inviter: User, *, now: datetime | None = None) -> Invite:
    return invite_accept(user=invitee, code=code_of(inviter), now=now)


def paid_order(commit: Commit, buyer: User, sku_id: int, quantity: int = 1) -> Order:
    """Placed and paid (as a claimed WeChat payment would) with every event handler run."""
    with commit():
        order = place_order(buyer, (sku_id, quantity))
    with commit():
        mark_paid(order)
    order.refresh_from_db()
    return order


def ship_and_receive(commit: Commit, order: Order) -> Order:
    operator, _ = User.objects.get_or_create(username="invite-shipper", defaults={"is_staff": True})
    with commit():
        order_ship(order_id=order.id, by=operator, carrier_code="SF", tracking_no=f"SF{order.id:010d}")
    with commit():
        order_confirm_receipt(order_id=order.id, by=order.buyer)
    order.refresh_from_db()
    return order


def after_sales_over(order: Order) -> datetime:
    return order.received_at + settings.ORDER_AFTER_SALES_WINDOW + timedelta(seconds=1)


def complete(commit: Commit, order: Order) -> Order:
    """The order sweep completes it once the after-sales window is over (``order_completed``)."""
    with commit():
        assert sweep_complete_orders(now=after_sales_over(order)) == 1
    order.refresh_from_db()
    return order


def fresh(invite: Invite) -> Invite:
    return Invite.objects.get(pk=invite.pk)
