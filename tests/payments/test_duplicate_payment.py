"""A buyer who pays the same order twice (two payment sessions, both completed at WeChat) is
charged once: the order keeps the first payment and refuses the second, which a sweep refunds in
full."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.orders.models import Order
from fenxiao.payments.models import Payment, PaymentStatus, Refund
from fenxiao.payments.sandbox import sandbox_payment_succeed
from fenxiao.payments.services import notification_handle, sweep_refused_payments
from tests.catalog_factories import SkuFactory
from tests.order_support import place_order

pytestmark = pytest.mark.django_db


def test_a_second_payment_of_a_paid_order_is_refunded_in_full(buyer, django_capture_on_commit_callbacks):
    order = place_order(buyer, (SkuFactory(price_fen=2500).id, 2))
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_payment_succeed(order_id=order.pk)
    first = Payment.objects.get(order=order)

    # a second payment session for the same order that the buyer also completed
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
    assert notification_handle(headers=message.headers, body=message.body).outcome == "refused"
    assert notification_handle(headers=message.headers, body=message.body).outcome == "duplicate"

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_refused_payments(now=timezone.now()) == 1
    assert sweep_refused_payments(now=timezone.now()) == 0

    refund = Refund.objects.get()
    assert (refund.payment_id, refund.amount_fen, refund.status) == (second.pk, 5000, "succeeded")
    assert refund.purpose == f"refused_payment:{second.pk}"
    second.refresh_from_db()
    assert (second.status, second.anomaly) == (PaymentStatus.REFUSED, "订单已由另一笔支付付款，自动全额退款")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.paid_fen, order.refunded_fen) == ("paid", 5000, 0)
    first.refresh_from_db()
    assert first.status == PaymentStatus.SUCCEEDED
    assert not first.refunds.exists()
