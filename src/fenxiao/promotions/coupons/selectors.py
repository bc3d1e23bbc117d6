"""Reading coupons: the coupon centre, a shopper's coupons by status, and which of them a basket
can use (shared by the checkout provider and ``GET /api/v1/coupons/usable``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Category
from fenxiao.core.errors import NotFound
from fenxiao.orders.pricing import QuoteLine
from fenxiao.promotions.coupons.rules import USED, CouponSpec, coupon_lines, label_for, time_problem
from fenxiao.promotions.models import CouponTemplate, TemplateStatus, UserCoupon, UserCouponStatus

TABS = ("unused", "used", "expired")


def coupon_spec(t: CouponTemplate) -> CouponSpec:
    """A chosen top category covers its sub-categories too."""
    chosen = {c.pk for c in t.categories.all()}
    children = set(Category.objects.filter(parent_id__in=chosen).values_list("pk", flat=True)) if chosen else set()
    return CouponSpec(
        kind=t.kind,
        amount_fen=t.amount_fen,
        percent_bps=t.percent_bps,
        cap_fen=t.cap_fen,
        threshold_fen=t.threshold_fen,
        scope=t.scope,
        category_ids=frozenset(chosen | children),
        product_ids=frozenset(p.pk for p in t.products.all()),
        stackable=t.stackable,
    )


def coupon_centre_list(*, user: User, now: datetime) -> list[dict]:
    """Templates a shopper can still claim now, with how many they hold and whether they can take more."""
    templates = (
        CouponTemplate.objects.filter(status=TemplateStatus.ACTIVE, public=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .annotate(held=Count("user_coupons", filter=Q(user_coupons__user=user)))
        .prefetch_related("categories", "products")
        .order_by("-id")
    )
    return [
        {
            "template": t,
            "label": label_for(coupon_spec(t)),
            "held": t.held,
            "remaining": t.total_quantity - t.claimed_count,
            "can_claim": t.held < t.per_user_limit and t.claimed_count < t.total_quantity,
        }
        for t in templates
    ]


def user_coupon_list(*, user: User, status: str, now: datetime) -> QuerySet[UserCoupon]:
    """A coupon past its expiry counts as expired before the sweep marks it."""
    qs = UserCoupon.objects.filter(user=user).select_related("template")
    if status == "unused":
        return qs.filter(status=UserCouponStatus.UNUSED, expires_at__gt=now).order_by("expires_at", "id")
    if status == "used":
        return qs.filter(status=UserCouponStatus.USED).order_by("-used_at", "-id")
    return qs.filter(
        Q(status=UserCouponStatus.EXPIRED) | Q(status=UserCouponStatus.UNUSED, expires_at__lte=now)
    ).order_by("-expires_at", "-id")


def user_coupon_get(*, user: User, user_coupon_id: object) -> UserCoupon:
    """Only the caller's own coupon; anyone else's is "not found"."""
    try:
        pk = int(user_coupon_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        pk = 0
    uc = UserCoupon.objects.filter(pk=pk, user=user).select_related("template").first()
    if uc is None:
        raise NotFound("COUPON_NOT_FOUND", "优惠券不存在")
    return uc


@dataclass(frozen=True)
class Evaluation:
    user_coupon: UserCoupon
    label: str
    line_amounts: dict[int, int]
    reason: str | None

    @property
    def amount_fen(self) -> int:
        return sum(self.line_amounts.values())


def coupon_evaluate(uc: UserCoupon, lines: Sequence[QuoteLine], now: datetime) -> Evaluation:
    spec = coupon_spec(uc.template)
    label = label_for(spec)
    if uc.status == UserCouponStatus.USED:
        return Evaluation(uc, label, {}, USED)
    if uc.status == UserCouponStatus.EXPIRED:
        return Evaluation(uc, label, {}, "已过期")
    reason = time_problem(now=now, starts_at=uc.starts_at, expires_at=uc.expires_at)
    if reason:
        return Evaluation(uc, label, {}, reason)
    amounts, reason = coupon_lines(spec, lines)
    return Evaluation(uc, label, amounts, reason)


def coupons_for_basket(*, user: User, lines: Sequence[QuoteLine], now: datetime) -> list[Evaluation]:
    """Every unused, unexpired coupon of the user against the basket: usable ones first, the
    largest discount first, then the one expiring soonest."""
    held = user_coupon_list(user=user, status="unused", now=now).prefetch_related(
        "template__categories", "template__products"
    )
    found = [coupon_evaluate(uc, lines, now) for uc in held]
    return sorted(
        found, key=lambda e: (e.reason is not None, -e.amount_fen, e.user_coupon.expires_at, e.user_coupon.pk)
    )


def best_coupon(*, user: User, lines: Sequence[QuoteLine], now: datetime) -> Evaluation | None:
    usable = [e for e in coupons_for_basket(user=user, lines=lines, now=now) if e.reason is None]
    return usable[0] if usable else None


def coupon_template_report(*, template: CouponTemplate, now: datetime) -> dict[str, int]:
    counts = dict(UserCoupon.objects.filter(template=template).values_list("status").annotate(n=Count("id")).order_by())
    overdue = UserCoupon.objects.filter(template=template, status=UserCouponStatus.UNUSED, expires_at__lte=now).count()
    return {
        "total_quantity": template.total_quantity,
        "claimed_count": template.claimed_count,
        "used_count": template.used_count,
        "unused_count": counts.get(UserCouponStatus.UNUSED, 0) - overdue,
        "expired_count": counts.get(UserCouponStatus.EXPIRED, 0) + overdue,
        "users": UserCoupon.objects.filter(template=template).values("user").distinct().count(),
    }
