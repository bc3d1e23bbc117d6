"""A cancel racing the payment's notification, in real concurrent transactions (PostgreSQL): the
order ends either paid (the coupon, stock and money stay with it) or cancelled (everything given
back, the money refused and refunded once) — never both, never neither."""

from __future__ import annotations

import threading

import pytest
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.sandbox_server import SandboxPayServer
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.orders.services import order_cancel
from fenxiao.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from fenxiao.payments.services import (
    notification_handle,
    payment_description,
    payment_prepare,
    sweep_refused_payments,
)
from fenxiao.promotions.models import CouponTemplate, UserCoupon, UserCouponStatus
from tests.catalog_factories import SkuFactory, stock_of
from tests.concurrency import run_together
from tests.distribution.support import make_user
from tests.order_support import place_order
from tests.promotions.coupons.support import claim, make_template

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _order_with_coupon(name: str):
    buyer = make_user(name)
    sku = SkuFactory(price_fen=20_000, stock=10)
    template = make_template()
    coupon = claim(buyer, template)
    order = place_order(buyer, (sku.id, 1), options={"coupon_id": coupon.pk})
    payment = payment_prepare(
        order_id=order.pk, payer_openid=buyer.openid, description=payment_description(order.order_no)
    ).payment
    return buyer, sku, template, coupon, order, payment


def _deliver(message):
    return notification_handle(headers=message.headers, body=message.body).outcome


def test_a_cancel_racing_five_deliveries_of_the_payment_leaves_one_paid_order():
    buyer, sku, template, coupon, order, payment = _order_with_coupon("race-paid")
    message = pay_gateway().complete_payment(payment.out_trade_no)  # paid at WeChat, notification in flight

    def task(i: int):
        if i == 0:
            return order_cancel(order_id=order.id, by=buyer, reason="不要了")
        return _deliver(message)

    results = run_together(task, n=6)

    cancel, outcomes = results[0], results[1:]
    assert isinstance(cancel, DomainError) and cancel.code == "ORDER_NOT_CANCELLABLE", cancel
    assert all(isinstance(o, str) for o in outcomes), outcomes
    # One claim paid the order: a delivery, or the cancel's close that WeChat answered ORDERPAID.
    assert outcomes.count("paid") <= 1 and set(outcomes) <= {"paid", "duplicate"}
    order.refresh_from_db()
    assert (order.status, order.paid_fen) == (OrderStatus.PAID, order.payable_fen)
    assert order.events.filter(type="paid").count() == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert UserCoupon.objects.get(pk=coupon.pk).status == UserCouponStatus.USED
    assert CouponTemplate.objects.get(pk=template.pk).used_count == 1
    assert stock_of(sku.pk) == 9
    assert not Refund.objects.exists()


@pytest.mark.parametrize("after_the_close", [False, True])
@pytest.mark.parametrize("round_no", range(4))
def test_a_cancel_racing_a_payment_completed_as_it_closes_ends_one_way_or_the_other(
    round_no, after_the_close, monkeypatch
):
    """The buyer completes the payment sheet either while the cancel closes the trade, or just
    after WeChat closed it (the race WeChat warns of), its notification then racing the cancel's
    own transaction."""
    buyer, sku, template, coupon, order, payment = _order_with_coupon(f"race-{round_no}-{after_the_close}")
    closed = threading.Event()
    close = SandboxPayServer._close

    def close_and_tell(self, out_trade_no):
        close(self, out_trade_no)
        closed.set()

    monkeypatch.setattr(SandboxPayServer, "_close", close_and_tell)

    def task(i: int):
        if i == 0:
            return order_cancel(order_id=order.id, by=buyer, reason="不要了")
        if after_the_close:
            assert closed.wait(timeout=20)
        message = pay_gateway().complete_payment(payment.out_trade_no, racing_close=True)
        return _deliver(message)

    cancel, outcome = run_together(task, n=2)
    sweep_refused_payments(now=timezone.now())

    order.refresh_from_db()
    payment.refresh_from_db()
    used = UserCoupon.objects.get(pk=coupon.pk)
    refunds = list(Refund.objects.filter(payment=payment))
    if order.status == OrderStatus.PAID:
        assert isinstance(cancel, DomainError) and cancel.code == "ORDER_NOT_CANCELLABLE", cancel
        assert payment.status == PaymentStatus.SUCCEEDED
        assert (used.status, used.used_order_id) == (UserCouponStatus.USED, order.id)
        assert stock_of(sku.pk) == 9
        assert not refunds
    else:
        assert order.status == OrderStatus.CANCELLED and isinstance(cancel, Order), cancel
        assert (outcome, payment.status) == ("refused", PaymentStatus.REFUSED)
        assert used.status == UserCouponStatus.UNUSED
        assert stock_of(sku.pk) == 10
        assert [(r.amount_fen, r.status) for r in refunds] == [(payment.amount_fen, RefundStatus.SUCCEEDED)]
    assert CouponTemplate.objects.get(pk=template.pk).used_count == (order.status == OrderStatus.PAID)
