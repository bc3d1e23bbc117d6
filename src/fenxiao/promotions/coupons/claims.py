"""A shopper's coupons: claiming, using with an order, giving back when the order is undone,
and expiring. Every counter moves with a conditional ``UPDATE``: no over-issue, no double use."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.orders.models import Order
from fenxiao.promotions.coupons.errors import CouponConflict, coupon_not_usable
from fenxiao.promotions.coupons.rules import EXPIRED, USED, time_problem
from fenxiao.promotions.coupons.templates import claim_window_open, lock_template
from fenxiao.promotions.locks import lock_used_coupons
from fenxiao.promotions.models import CouponTemplate, UserCoupon, UserCouponStatus


def _validity(t: CouponTemplate, now: datetime) -> tuple[datetime, datetime]:
    if t.valid_days_after_claim is not None:
        return now, now + timedelta(days=t.valid_days_after_claim)
    assert t.valid_until is not None
    return (t.valid_from or now), t.valid_until


def coupon_claim(*, user: User, template_id: int, now: datetime | None = None) -> UserCoupon:
    try:
        return _coupon_claim(user=user, template_id=template_id, now=now or timezone.now())
    except IntegrityError as exc:
        # Only reachable if the template lock were bypassed: the unique claim number holds anyway.
        raise CouponConflict("COUPON_LIMIT_REACHED", "您已达到该优惠券的领取上限") from exc


@transaction.atomic
def _coupon_claim(*, user: User, template_id: int, now: datetime) -> UserCoupon:
    """The template row is locked, so the user's claim count and the stock are read and moved by
    one claim at a time; the stock also moves only while it lasts (the ``WHERE`` below)."""
    t = lock_template(template_id)
    if not claim_window_open(t, now):
        raise CouponConflict("COUPON_NOT_CLAIMABLE", "该优惠券已停止发放")
    held = UserCoupon.objects.filter(template=t, user=user).count()
    if held >= t.per_user_limit:
        raise CouponConflict("COUPON_LIMIT_REACHED", "您已达到该优惠券的领取上限")
    taken = CouponTemplate.objects.filter(pk=t.pk, claimed_count__lt=F("total_quantity")).update(
        claimed_count=F("claimed_count") + 1
    )
    if not taken:
        raise CouponConflict("COUPON_SOLD_OUT", "优惠券已被领完")
    starts_at, expires_at = _validity(t, now)
    return UserCoupon.objects.create(
        user=user, template=t, claim_no=held + 1, claimed_at=now, starts_at=starts_at, expires_at=expires_at
    )


@transaction.atomic
def coupon_issue(*, user_id: int, template_id: int, now: datetime | None = None) -> UserCoupon:
    """The mall hands a coupon over (an invite reward) rather than the shopper claiming it: the
    template's claim window, status, public flag and per-user limit do not apply, its total
    quantity does, moved by the same conditional ``UPDATE`` under the same row lock as a claim,
    so a reward never issues past what the merchant budgeted and never collides with a claim's
    number. Raises ``COUPON_SOLD_OUT`` when none are left."""
    now = now or timezone.now()
    t = lock_template(template_id)
    taken = CouponTemplate.objects.filter(pk=t.pk, claimed_count__lt=F("total_quantity")).update(
        claimed_count=F("claimed_count") + 1
    )
    if not taken:
        raise CouponConflict("COUPON_SOLD_OUT", "优惠券已被领完")
    last = UserCoupon.objects.filter(template=t, user_id=user_id).aggregate(n=Max("claim_no"))["n"] or 0
    starts_at, expires_at = _validity(t, now)
    return UserCoupon.objects.create(
        user_id=user_id, template=t, claim_no=last + 1, claimed_at=now, starts_at=starts_at, expires_at=expires_at
    )


def coupon_use(*, user_coupon_id: int, user: User, order: Order, now: datetime | None = None) -> None:
    """Inside the order's transaction: the coupon flips from unused to used only once. A second
    order racing for it waits on the row, then finds it used and is refused (rolling back)."""
    now = now or timezone.now()
    flipped = UserCoupon.objects.filter(
        pk=user_coupon_id, user=user, status=UserCouponStatus.UNUSED, starts_at__lte=now, expires_at__gt=now
    ).update(status=UserCouponStatus.USED, used_order=order, used_at=now)
    if not flipped:
        row = UserCoupon.objects.filter(pk=user_coupon_id).values("status", "starts_at", "expires_at").first()
        if row is None or row["status"] == UserCouponStatus.USED:
            raise coupon_not_usable(USED)
        raise coupon_not_usable(
            time_problem(now=now, starts_at=row["starts_at"], expires_at=row["expires_at"]) or EXPIRED
        )
    template_id = UserCoupon.objects.filter(pk=user_coupon_id).values_list("template_id", flat=True).get()
    CouponTemplate.objects.filter(pk=template_id).update(used_count=F("used_count") + 1)


@transaction.atomic
def coupons_return_for_order(*, order_id: int, now: datetime | None = None) -> int:
    """The order was cancelled or fully refunded: its coupons come back unused if still valid,
    else they are expired. The rows are locked and flipped one by one on their status, so a
    replayed event finds nothing used by the order and moves no counter."""
    now = now or timezone.now()
    rows = lock_used_coupons(order_id)
    for pk, template_id, expires_at in rows:
        to = UserCouponStatus.UNUSED if expires_at > now else UserCouponStatus.EXPIRED
        UserCoupon.objects.filter(pk=pk, status=UserCouponStatus.USED).update(status=to, used_order=None, used_at=None)
        CouponTemplate.objects.filter(pk=template_id, used_count__gt=0).update(used_count=F("used_count") - 1)
    return len(rows)


def user_coupons_expire(*, now: datetime) -> int:
    """Mark unused coupons past their expiry as expired (selectors already treat them so)."""
    return UserCoupon.objects.filter(Q(status=UserCouponStatus.UNUSED) & Q(expires_at__lte=now)).update(
        status=UserCouponStatus.EXPIRED
    )
