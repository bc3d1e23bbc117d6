"""When the notification does not come: querying, closing on timeout, and the sweeps that do it,
safe to run again and again."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import time_machine
from django.utils import timezone

from fenxiao.integrations.wechat.pay.errors import WechatPayError
from fenxiao.payments.models import Payment, PaymentStatus
from fenxiao.payments.services import (
    payment_close,
    payment_prepare,
    payment_sync,
    sweep_expired_payments,
    sweep_unconfirmed_payments,
)
from tests.payments import support

pytestmark = pytest.mark.django_db


def _prepared(order):
    return payment_prepare(order_id=order.pk, payer_openid="sandbox-alice", description="订单").payment


@pytest.fixture
def live_payment(live_pay, order):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx1"})
    )
    return _prepared(order)


def _query_route(live_pay, payment):
    return live_pay.router.get(f"/v3/pay/transactions/out-trade-no/{payment.out_trade_no}")


def test_sync_applies_a_success_through_the_same_claim(live_pay, live_payment, hook_calls):
    _query_route(live_pay, live_payment).mock(
        side_effect=lambda request: support.signed_answer(200, support.transaction_resource(live_payment))
    )

    synced = payment_sync(payment_id=live_payment.pk)
    again = payment_sync(payment_id=live_payment.pk)

    assert synced.status == again.status == PaymentStatus.SUCCEEDED
    assert synced.transaction_id == "4200002024112512345678901234" and synced.last_queried_at is not None
    assert hook_calls.payments == [live_payment.pk]


@pytest.mark.parametrize(
    ("trade_state", "status"), [("NOTPAY", "created"), ("USERPAYING", "created"), ("CLOSED", "closed")]
)
def test_sync_records_what_wechat_says(live_pay, live_payment, hook_calls, trade_state, status):
    _query_route(live_pay, live_payment).mock(
        side_effect=lambda request: support.signed_answer(
            200, support.transaction_resource(live_payment, trade_state=trade_state, transaction_id=None)
        )
    )

    synced = payment_sync(payment_id=live_payment.pk)

    assert (synced.status, synced.trade_state) == (status, trade_state)
    assert hook_calls.payments == []


def test_a_queried_success_with_another_amount_is_not_paid(live_pay, live_payment, hook_calls):
    _query_route(live_pay, live_payment).mock(
        side_effect=lambda request: support.signed_answer(
            200, support.transaction_resource(live_payment, amount={"total": 1})
        )
    )

    synced = payment_sync(payment_id=live_payment.pk)

    assert synced.status == PaymentStatus.CREATED and "amount_mismatch" in synced.anomaly
    assert hook_calls.payments == []


def test_close_closes_at_wechat_then_here(live_pay, live_payment):
    route = live_pay.router.post(f"/v3/pay/transactions/out-trade-no/{live_payment.out_trade_no}/close").mock(
        side_effect=lambda request: support.signed_answer(204)
    )

    closed = payment_close(payment_id=live_payment.pk)

    assert route.call_count == 1
    assert (closed.status, closed.trade_state) == (PaymentStatus.CLOSED, "CLOSED") and closed.closed_at


def test_close_answered_orderpaid_pays_instead(live_pay, live_payment, hook_calls):
    live_pay.router.post(f"/v3/pay/transactions/out-trade-no/{live_payment.out_trade_no}/close").mock(
        return_value=httpx.Response(400, json={"code": "ORDERPAID", "message": "该订单已支付"})
    )
    _query_route(live_pay, live_payment).mock(
        side_effect=lambda request: support.signed_answer(200, support.transaction_resource(live_payment))
    )

    result = payment_close(payment_id=live_payment.pk)

    assert result.status == PaymentStatus.SUCCEEDED and hook_calls.payments == [live_payment.pk]


def test_close_that_fails_leaves_the_payment_open(live_pay, live_payment):
    live_pay.router.post(f"/v3/pay/transactions/out-trade-no/{live_payment.out_trade_no}/close").mock(
        side_effect=httpx.ConnectError("down")
    )

    with pytest.raises(WechatPayError):
        payment_close(payment_id=live_payment.pk)

    assert Payment.objects.get(pk=live_payment.pk).status == PaymentStatus.CREATED


def test_sweep_unconfirmed_waits_five_minutes_and_asks_once_a_minute(live_pay, live_payment, hook_calls):
    route = _query_route(live_pay, live_payment).mock(
        side_effect=lambda request: support.signed_answer(
            200, support.transaction_resource(live_payment, trade_state="NOTPAY", transaction_id=None)
        )
    )
    start = timezone.now()

    assert sweep_unconfirmed_payments(now=start + timedelta(minutes=1)) == 0
    assert route.call_count == 0  # too fresh: the notification normally arrives within seconds
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert sweep_unconfirmed_payments(now=timezone.now()) == 0
        assert sweep_unconfirmed_payments(now=timezone.now()) == 0
    assert route.call_count == 1  # the second sweep in the same minute left it alone

    route.side_effect = lambda request: support.signed_answer(200, support.transaction_resource(live_payment))
    with time_machine.travel(start + timedelta(minutes=8), tick=False):
        assert sweep_unconfirmed_payments(now=timezone.now()) == 1
        assert sweep_unconfirmed_payments(now=timezone.now() + timedelta(minutes=5)) == 0
    assert route.call_count == 2 and hook_calls.payments == [live_payment.pk]


def test_sweep_unconfirmed_carries_on_past_a_failure(live_pay, buyer, hook_calls):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx1"})
    )
    failing, working = _prepared(support.make_order(buyer)), _prepared(support.make_order(buyer))
    _query_route(live_pay, failing).mock(side_effect=httpx.ReadTimeout("slow"))
    _query_route(live_pay, working).mock(
        side_effect=lambda request: support.signed_answer(200, support.transaction_resource(working))
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        assert sweep_unconfirmed_payments(now=timezone.now()) == 1

    assert hook_calls.payments == [working.pk]


def test_sweep_expired_closes_past_deadline_only_once(live_pay, buyer):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx1"})
    )
    due = _prepared(support.make_order(buyer, deadline_in=timedelta(minutes=10)))
    later = _prepared(support.make_order(buyer, deadline_in=timedelta(minutes=60)))
    close_due = live_pay.router.post(f"/v3/pay/transactions/out-trade-no/{due.out_trade_no}/close").mock(
        side_effect=lambda request: support.signed_answer(204)
    )
    close_later = live_pay.router.post(f"/v3/pay/transactions/out-trade-no/{later.out_trade_no}/close")

    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert sweep_expired_payments(now=timezone.now()) == 1
        assert sweep_expired_payments(now=timezone.now() + timedelta(minutes=2)) == 0

    assert close_due.call_count == 1 and close_later.call_count == 0
    assert Payment.objects.get(pk=due.pk).status == PaymentStatus.CLOSED
    assert Payment.objects.get(pk=later.pk).status == PaymentStatus.CREATED


def test_sandbox_sweeps_find_a_payment_whose_notification_was_lost(gateway, order, hook_calls):
    payment = _prepared(order)
    gateway.complete_payment(payment.out_trade_no)  # paid at "WeChat"; the notification never arrives

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        assert sweep_unconfirmed_payments(now=timezone.now()) == 1

    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert hook_calls.payments == [payment.pk]


def test_sandbox_sweep_closes_an_expired_payment(gateway, buyer, hook_calls):
    payment = _prepared(support.make_order(buyer, deadline_in=timedelta(minutes=5)))

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        assert sweep_expired_payments(now=timezone.now()) == 1

    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CLOSED
    assert gateway.query_transaction(payment.out_trade_no).trade_state == "CLOSED"
    with pytest.raises(WechatPayError):
        gateway.complete_payment(payment.out_trade_no)


def test_live_sweeps_leave_sandbox_payments_alone(gateway, buyer, settings, live_pay):
    from fenxiao.integrations.wechat.pay.factory import reset_pay_gateway

    live_pay.settings.WECHAT_MODE = "sandbox"
    reset_pay_gateway()
    demo = _prepared(support.make_order(buyer, deadline_in=timedelta(minutes=5)))
    live_pay.settings.WECHAT_MODE = "live"
    reset_pay_gateway()

    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        assert sweep_unconfirmed_payments(now=timezone.now()) == 0
        assert sweep_expired_payments(now=timezone.now()) == 0

    assert Payment.objects.get(pk=demo.pk).status == PaymentStatus.CREATED  # respx saw no call either
