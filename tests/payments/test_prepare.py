"""Preparing a payment: one open payment per order with a stable number, WeChat called outside
any transaction, a prepay_id reused while it is valid, and orders that cannot be paid refused."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.errors import NETWORK, WechatPayError
from fenxiao.orders.models import Order
from fenxiao.payments.models import Payment, PaymentStatus
from fenxiao.payments.prepare import out_trade_no_for
from fenxiao.payments.services import payment_prepare
from tests.payments import support

pytestmark = pytest.mark.django_db


def _prepare(order, openid="sandbox-alice"):
    return payment_prepare(order_id=order.pk, payer_openid=openid, description=f"分销商城订单 {order.order_no}")


@pytest.mark.parametrize(
    ("order_no", "seq", "expected"),
    [
        ("FX20241125100000000001", 1, "FX20241125100000000001"),
        ("FX20241125100000000001", 2, "FX20241125100000000001P2"),
        ("X" * 32, 3, "X" * 30 + "P3"),
        ("A/1", 1, "00A1P1"),
    ],
)
def test_out_trade_no_is_the_order_number_first(order_no, seq, expected):
    result = out_trade_no_for(order_no=order_no, seq=seq)
    assert result == expected and 6 <= len(result) <= 32


def test_prepare_returns_signed_wx_request_payment_params(gateway, order):
    prepared = _prepare(order)

    payment = prepared.payment
    assert payment.out_trade_no == order.order_no
    assert (payment.amount_fen, payment.payer_openid, payment.status) == (12_300, "sandbox-alice", "created")
    assert payment.expires_at == order.payment_deadline and payment.mode == "sandbox"
    params = prepared.params
    assert params["package"] == f"prepay_id={payment.prepay_id}" and params["appId"] == gateway.appid
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    assert pay_crypto.verify(gateway.keys.merchant_key.public_key(), message, params["paySign"])


def test_preparing_again_reuses_the_payment_and_its_prepay_id(live_pay, order):
    route = live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx-first"})
    )

    first = _prepare(order)
    second = _prepare(order)

    assert route.call_count == 1
    assert first.payment.pk == second.payment.pk and second.payment.prepay_id == "wx-first"
    assert Payment.objects.filter(order=order).count() == 1


def test_an_expired_prepay_id_is_renewed_under_the_same_number(live_pay, buyer):
    order = support.make_order(buyer, deadline_in=timedelta(hours=3))
    prepay_ids = iter(["wx-1", "wx-2"])
    route = live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        side_effect=lambda request: support.signed_answer(200, {"prepay_id": next(prepay_ids)})
    )
    first = _prepare(order)

    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        second = _prepare(order)

    assert route.call_count == 2
    assert second.payment.pk == first.payment.pk and second.payment.prepay_id == "wx-2"


def test_a_network_failure_leaves_the_payment_open_for_a_retry(live_pay, order):
    route = live_pay.router.post("/v3/pay/transactions/jsapi")
    route.side_effect = [httpx.ConnectError("down"), support.signed_answer(200, {"prepay_id": "wx-retry"})]

    with pytest.raises(WechatPayError) as caught:
        _prepare(order)
    assert caught.value.code == NETWORK
    payment = Payment.objects.get(order=order)
    assert payment.status == "created" and payment.prepay_id == ""

    retried = _prepare(order)
    assert retried.payment.pk == payment.pk and retried.payment.prepay_id == "wx-retry"


@pytest.mark.parametrize("status", ["paid", "cancelled", "closed"])
def test_only_an_order_awaiting_payment_can_be_paid(gateway, order, status):
    Order.objects.filter(pk=order.pk).update(status=status)

    with pytest.raises(DomainError) as caught:
        _prepare(order)

    assert caught.value.code == "ORDER_NOT_PAYABLE"
    assert not Payment.objects.exists()


def test_an_order_past_its_deadline_cannot_be_paid(gateway, buyer):
    order = support.make_order(buyer, deadline_in=timedelta(seconds=-1))

    with pytest.raises(DomainError) as caught:
        _prepare(order)

    assert caught.value.code == "ORDER_NOT_PAYABLE" and "时限" in caught.value.message


def test_a_payer_without_openid_is_refused(gateway, order):
    with pytest.raises(DomainError) as caught:
        _prepare(order, openid="")
    assert caught.value.code == "OPENID_REQUIRED"


def test_the_amount_is_read_from_the_order_row_now(gateway, order):
    Order.objects.filter(pk=order.pk).update(goods_fen=9_900, payable_fen=9_900)

    prepared = _prepare(order)  # the instance in hand still says 12 300

    assert prepared.payment.amount_fen == 9_900


def test_a_changed_order_amount_closes_the_old_payment_and_opens_a_new_one(gateway, order):
    old = _prepare(order).payment
    Order.objects.filter(pk=order.pk).update(goods_fen=9_900, payable_fen=9_900)

    new = _prepare(order).payment

    old.refresh_from_db()
    assert old.status == PaymentStatus.CLOSED
    assert gateway.query_transaction(old.out_trade_no).trade_state == "CLOSED"
    assert new.pk != old.pk and new.amount_fen == 9_900 and new.out_trade_no == f"{order.order_no}P2"


def test_prepay_answered_orderpaid_settles_the_payment(live_pay, order, hook_calls):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=httpx.Response(400, json={"code": "ORDERPAID", "message": "该订单已支付"})
    )
    live_pay.router.get(f"/v3/pay/transactions/out-trade-no/{order.order_no}").mock(
        side_effect=lambda request: support.signed_answer(
            200, support.transaction_resource(Payment.objects.get(order=order))
        )
    )

    with pytest.raises(DomainError) as caught:
        _prepare(order)

    assert caught.value.code == "ORDER_NOT_PAYABLE"
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.SUCCEEDED and hook_calls.payments == [payment.pk]
