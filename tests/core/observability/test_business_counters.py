"""The business counters move where the thing happens, and money only once it is committed:
an order placed and paid counts one order, one payment and its commission (count and fen); a
refund counts its fen; a rolled-back placement counts nothing; seckill purchases count accepted,
and refused by reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from prometheus_client import REGISTRY

from fenxiao.distribution.network.binding import referral_bind
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.payments.models import Payment, Refund
from fenxiao.payments.sandbox import sandbox_payment_succeed
from fenxiao.payments.services import notification_handle, sweep_refused_payments
from fenxiao.promotions.seckill.activities import SeckillConflict
from fenxiao.promotions.seckill.purchases import seckill_buy
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user
from tests.order_support import place_order
from tests.promotions.seckill.support import make_activity, shopper

pytestmark = pytest.mark.django_db

COUNTERS = (
    "fenxiao_orders_placed_total",
    "fenxiao_payments_succeeded_total",
    "fenxiao_refunds_succeeded_total",
    "fenxiao_refunded_fen_total",
    "fenxiao_commission_booked_total",
    "fenxiao_commission_booked_fen_total",
    "fenxiao_seckill_accepted_total",
)


def snapshot() -> dict[str, float]:
    return {name: REGISTRY.get_sample_value(name) or 0.0 for name in COUNTERS}


def moved(before: dict[str, float]) -> dict[str, float]:
    after = snapshot()
    return {name: after[name] - before[name] for name in COUNTERS if after[name] != before[name]}


def refused(reason: str) -> float:
    return REGISTRY.get_sample_value("fenxiao_seckill_refused_total", {"reason": reason}) or 0.0


def test_an_order_placed_and_paid_moves_the_counters_once_committed(commit):
    seller = make_distributor("metrics_seller")
    buyer = make_user("metrics_buyer")
    referral_bind(user_id=buyer.id, code=seller.code, source="link")
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)

    before = snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        place_order(buyer, (sku.id, 1))
        raise RuntimeError("rolled back")
    assert moved(before) == {}

    with commit():
        order = place_order(buyer, (sku.id, 1))
    assert moved(before) == {"fenxiao_orders_placed_total": 1}

    with commit():
        sandbox_payment_succeed(order_id=order.pk)
        sandbox_payment_succeed(order_id=order.pk)  # paying again changes nothing
    assert moved(before) == {
        "fenxiao_orders_placed_total": 1,
        "fenxiao_payments_succeeded_total": 1,
        "fenxiao_commission_booked_total": 1,  # level 1 only: the seller has no referrer
        "fenxiao_commission_booked_fen_total": 1_000,  # 10 % of ¥100.00
    }


def test_a_refund_counts_its_fen_and_a_refused_payment_is_no_success(commit):
    buyer = make_user("metrics_refund")
    with commit():
        order = place_order(buyer, (SkuFactory(price_fen=2_500, stock=10).id, 2))
        sandbox_payment_succeed(order_id=order.pk)
    before = snapshot()

    # a second payment session the buyer also completed: refused by the order, refunded in full
    gateway = pay_gateway()
    second = Payment.objects.create(
        order=order, out_trade_no=f"{order.order_no}P2", amount_fen=order.payable_fen, description="订单",
        payer_openid=buyer.openid, mode="sandbox", expires_at=timezone.now() + timedelta(minutes=30),
    )  # fmt: skip
    gateway.prepay_jsapi(
        out_trade_no=second.out_trade_no, description="订单", amount_fen=second.amount_fen,
        payer_openid=buyer.openid, time_expire=timezone.now() + timedelta(minutes=30),
    )  # fmt: skip
    message = gateway.complete_payment(second.out_trade_no)
    with commit():
        assert notification_handle(headers=message.headers, body=message.body).outcome == "refused"
        assert sweep_refused_payments(now=timezone.now()) == 1

    refund = Refund.objects.get()
    assert refund.status == "succeeded"
    assert moved(before) == {"fenxiao_refunds_succeeded_total": 1, "fenxiao_refunded_fen_total": refund.amount_fen}


def test_seckill_purchases_count_accepted_and_refused_by_reason(commit, settings):
    settings.REDIS_URL = ""  # the database decides (the gate has its own tests)
    activity = make_activity(SkuFactory(price_fen=10_000, stock=100, weight_g=100), per_user_limit=1)
    user = shopper("metrics")
    address_id = user.addresses.get(is_default=True).id
    before, limit_before = snapshot(), refused("SECKILL_LIMIT_REACHED")

    with commit():
        seckill_buy(user=user, activity_id=activity.pk, address_id=address_id)
    with pytest.raises(SeckillConflict):
        seckill_buy(user=user, activity_id=activity.pk, address_id=address_id)

    assert moved(before) == {"fenxiao_seckill_accepted_total": 1, "fenxiao_orders_placed_total": 1}
    assert refused("SECKILL_LIMIT_REACHED") == limit_before + 1
