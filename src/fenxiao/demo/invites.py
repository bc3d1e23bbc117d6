"""Demo invite campaign (邀请有礼), so the campaign list, its report and 我的邀请 have something to
show: a running campaign with its two reward coupons, and a new shopper who accepted alice's
invitation and paid a first order (the reward waits for the after-sales window). Made through
the real services, never through raw rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from fenxiao.accounts.models import Address, User
from fenxiao.catalog.models import Sku
from fenxiao.orders.checkout import LineRequest
from fenxiao.orders.services import order_create
from fenxiao.payments.sandbox import sandbox_payment_succeed
from fenxiao.promotions.coupons.templates import coupon_template_create
from fenxiao.promotions.invites.acceptance import invite_accept, invite_code_ensure
from fenxiao.promotions.invites.campaigns import invite_campaign_create
from fenxiao.promotions.invites.models import InviteCampaign

NEW_SHOPPER = ("erin", "小伊", "13812340005", ("周伊", "浙江省", "杭州市", "滨江区", "网商路699号"))


@dataclass
class InvitesResult:
    campaigns: int = 0
    invites: int = 0


def reward_template(name: str, amount_fen: int, threshold_fen: int, days: int) -> int:
    """Not public: a reward coupon is handed out by the campaign, not offered in the coupon
    centre (rewards ignore that flag, not the template's total quantity)."""
    kind = "fixed" if threshold_fen else "no_threshold"
    template = coupon_template_create(
        fields={
            "name": name,
            "kind": kind,
            "amount_fen": amount_fen,
            "threshold_fen": threshold_fen,
            "valid_days_after_claim": days,
            "total_quantity": 10_000,
            "per_user_limit": 1,
            "public": False,
        }
    )
    return template.id


def _new_shopper() -> User | None:
    """A shopper who registers now (after the campaign started); None if they already exist."""
    name, nickname, phone, (receiver, province, city, district, detail) = NEW_SHOPPER
    openid = f"sandbox-{name}"
    if User.objects.filter(openid=openid).exists():
        return None
    # Same shape as a first WeChat login (accounts.services): wx_<openid>, no usable password.
    user = User(username=f"wx_{openid}", openid=openid, nickname=nickname, phone=phone)
    user.set_unusable_password()
    user.save()
    Address.objects.create(
        user=user,
        receiver=receiver,
        phone=phone,
        province=province,
        city=city,
        district=district,
        detail=detail,
        tag="家",
        is_default=True,
    )
    return user


def seed_demo_invites() -> InvitesResult:
    """One campaign running from now for 30 days: the inviter gets 满100减20, the new user 无门槛10元,
    both valid 30 days, at most 20 rewarded friends per inviter. Then erin, a new shopper, accepts
    alice's invitation and pays a first order. Skipped when any invite campaign exists."""
    result = InvitesResult()
    if InviteCampaign.objects.exists():
        return result
    now = timezone.now()
    invite_campaign_create(
        fields={
            "name": "邀请好友 首单双方得券",
            "starts_at": now,
            "ends_at": now + timedelta(days=30),
            "inviter_template_id": reward_template("邀请奖励 满100减20", 2_000, 10_000, 30),
            "invitee_template_id": reward_template("新人首单奖励 无门槛10元", 1_000, 0, 30),
            "max_rewards_per_inviter": 20,
            "accept_within_hours": 72,
            "order_within_days": 30,
            "min_order_fen": 5_000,
        }
    )
    result.campaigns = 1
    alice = User.objects.filter(openid="sandbox-alice").first()
    sku = (
        Sku.objects.filter(
            is_active=True, product__is_on_shelf=True, stock_level__quantity__gte=5, price_fen__gte=5_000
        )
        .order_by("id")
        .first()
    )
    erin = _new_shopper() if alice is not None and sku is not None else None
    if erin is None:
        return result
    invite_accept(user=erin, code=invite_code_ensure(user_id=alice.id).code)
    result.invites = 1
    address = erin.addresses.get(is_default=True)
    order = order_create(user=erin, lines=[LineRequest(sku.id, 1)], address_id=address.id, remark="好友推荐来的")
    sandbox_payment_succeed(order_id=order.pk)
    return result
