"""Demo coupons, so the coupon centre and the checkout's coupon choice have something to show:
a 满减, a capped discount and a no-threshold coupon, made and claimed through the real services."""

from __future__ import annotations

from fenxiao.accounts.models import User
from fenxiao.promotions.claims import coupon_claim
from fenxiao.promotions.models import CouponTemplate
from fenxiao.promotions.templates import coupon_template_create

DEMO_TEMPLATES = (
    {"name": "满99减20", "kind": "fixed", "amount_fen": 2_000, "threshold_fen": 9_900},
    {"name": "全场9折 最高减30元", "kind": "percent", "percent_bps": 1_000, "cap_fen": 3_000},
    {"name": "新人无门槛5元", "kind": "no_threshold", "amount_fen": 500},
)


def seed_demo_coupons() -> int:
    """Three templates (30 days after claim, 1,000 each, one per shopper); alice holds one of each.
    Skipped when any coupon template exists."""
    if CouponTemplate.objects.exists():
        return 0
    templates = [
        coupon_template_create(
            fields={**fields, "valid_days_after_claim": 30, "total_quantity": 1_000, "per_user_limit": 1}
        )
        for fields in DEMO_TEMPLATES
    ]
    alice = User.objects.filter(openid="sandbox-alice").first()
    if alice is not None:
        for template in templates:
            coupon_claim(user=alice, template_id=template.id)
    return len(templates)
