"""Building coupon templates and claimed coupons through the real services, for promotions tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.promotions.coupons.claims import coupon_claim
from fenxiao.promotions.coupons.templates import coupon_template_create
from fenxiao.promotions.models import CouponTemplate, UserCoupon


def make_template(
    *, category_ids: list[int] | None = None, product_ids: list[int] | None = None, **fields: Any
) -> CouponTemplate:
    """满100减20, 7 days after claim, 100 issued, 1 per user, unless told otherwise."""
    values: dict[str, Any] = {
        "name": "新人券",
        "kind": "fixed",
        "amount_fen": 2000,
        "threshold_fen": 10_000,
        "valid_days_after_claim": 7,
        "total_quantity": 100,
        "per_user_limit": 1,
        **fields,
    }
    return coupon_template_create(fields=values, category_ids=category_ids, product_ids=product_ids)


def claim(user: User, template: CouponTemplate, *, now: datetime | None = None) -> UserCoupon:
    return coupon_claim(user=user, template_id=template.pk, now=now)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def now() -> datetime:
    return timezone.now()
