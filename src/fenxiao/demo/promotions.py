"""Demo promotions, made through the real services: coupons for the coupon centre and the
checkout's coupon choice (a 满减, a capped discount, a no-threshold coupon), a running seckill and
a running group-buy with a group waiting for members."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Sku
from fenxiao.payments.services import sandbox_payment_succeed
from fenxiao.promotions.coupons.claims import coupon_claim
from fenxiao.promotions.coupons.templates import coupon_template_create
from fenxiao.promotions.group_buy.activities import group_buy_activity_create
from fenxiao.promotions.group_buy.groups import group_open
from fenxiao.promotions.models import CouponTemplate, GroupBuyActivity, SeckillActivity
from fenxiao.promotions.seckill.activities import seckill_activity_create

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


def _on_shelf_skus(count: int) -> list[Sku]:
    """One SKU from each of ``count`` different products, so each activity shows its own item."""
    picked: dict[int, Sku] = {}
    found = Sku.objects.filter(
        is_active=True, product__is_on_shelf=True, stock_level__quantity__gte=100, price_fen__gte=2_000
    )
    for sku in found.order_by("id")[: count * 20]:
        picked.setdefault(sku.product_id, sku)
        if len(picked) == count:
            break
    return list(picked.values())


def seed_demo_activities() -> tuple[int, int]:
    """A running seckill (50 units at about 40% of the price) and a running three-person
    group-buy with a forming group that bob opened and paid, so the share page has a group to
    join. Skipped when any activity exists. Returns (seckill activities, group-buy activities)."""
    if SeckillActivity.objects.exists() or GroupBuyActivity.objects.exists():
        return 0, 0
    skus = _on_shelf_skus(2)
    if len(skus) < 2:
        return 0, 0
    now = timezone.now()
    seckill, group_sku = skus
    seckill_activity_create(
        fields={
            "name": "整点秒杀",
            "sku_id": seckill.id,
            "seckill_price_fen": seckill.price_fen * 4 // 10,
            "stock": 50,
            "per_user_limit": 1,
            "starts_at": now - timedelta(minutes=5),
            "ends_at": now + timedelta(days=3),
            "payment_minutes": 15,
        }
    )
    activity = group_buy_activity_create(
        fields={
            "name": "三人拼团",
            "sku_id": group_sku.id,
            "group_size": 3,
            "group_price_fen": group_sku.price_fen * 7 // 10,
            "leader_price_fen": group_sku.price_fen * 6 // 10,
            "time_limit_minutes": 24 * 60,
            "payment_minutes": 15,
            "starts_at": now - timedelta(minutes=5),
            "ends_at": now + timedelta(days=7),
        }
    )
    bob = User.objects.filter(openid="sandbox-bob").first()
    if bob is not None and bob.addresses.exists():
        placed = group_open(user=bob, activity_id=activity.pk)
        sandbox_payment_succeed(order_id=placed.order.pk)
    return 1, 1
