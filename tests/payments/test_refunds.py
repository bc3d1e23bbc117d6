"""Refunds: never more than was paid, a fixed out_refund_no so a retry never refunds twice, and
each refund finished exactly once whichever way WeChat tells us."""

from __future__ import annotations

import json
import zlib
from datetime import timedelta

import httpx
import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.payments.models import Notification, Payment, PaymentStatus, Refund, RefundStatus
from fenxiao.payments.services import (
    notification_handle,
    payment_prepare,
    refund_create,
    refund_submit_pending,
    refund_sync,
    sweep_processing_refunds,
)
from tests.payments import support
from tests.support import Api

pytestmark = pytest.mark.django_db
REFUND_NOTIFY = "/api/v1/payments/wechat/refund-notify"


def _post(message):
    return Api().client.post(REFUND_NOTIFY, message.body, content_type="application/json", headers=message.headers)


@pytest.fixture
def paid_order(gateway, order, hook_calls):
    """An order paid in the sandbox (12 300 fen) through the real notification path."""
    payment = payment_prepare(order_id=order.pk, payer_openid="sandbox-alice", description="订单").payment
    message = gateway.complete_payment(payment.out_trade_no)
    notification_handle(headers=message.headers, body=message.body)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    return order


@pytest.fixture
def live_paid_order(live_pay, order, hook_calls):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx1"})
    )
    payment = payment_prepare(order_id=order.pk, payer_openid="o-buyer", description="订单").payment
    message = support.live_notification("TRANSACTION.SUCCESS", support.transaction_resource(payment))
    notification_handle(headers=message.headers, body=message.body)
    return order


def _refund_answer(request, status="PROCESSING"):
    sent = json.loads(request.content)
    return support.signed_answer(
        200,
        {
            "refund_id": f"503{zlib.crc32(sent['out_refund_no'].encode()):023d}",
            "out_refund_no": sent["out_refund_no"],
            "out_trade_no": sent["out_trade_no"],
            "status": status,
            "user_received_account": "支付用户零钱",
            "amount": {"refund": sent["amount"]["refund"], "total": sent["amount"]["total"], "currency": "CNY"},
        },
    )


def test_a_sandbox_refund_is_accepted_then_finished_by_its_notification(
    paid_order, hook_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_create(order_id=paid_order.pk, amount_fen=500, reason="七天无理由", purpose="after_sale:12")

    refund.refresh_from_db()
    assert refund.out_refund_no == f"R{paid_order.order_no}-1"
    assert (refund.status, refund.channel_status, refund.amount_fen) == (RefundStatus.SUCCEEDED, "SUCCESS", 500)
    assert refund.refund_id and refund.succeeded_at and refund.user_received_account == "支付用户零钱"
    assert hook_calls.refunds == [(refund.pk, RefundStatus.SUCCEEDED)]
    assert Notification.objects.filter(event_type="REFUND.SUCCESS").get().outcome == "refund_succeeded"


def test_a_refund_is_processing_until_wechat_reports(paid_order, hook_calls):
    refund = refund_create(order_id=paid_order.pk, amount_fen=500, reason="", purpose="after_sale:12")

    # The sandbox's notification waits for a commit that this test never makes.
    assert refund.status == RefundStatus.PROCESSING and refund.refund_id
    assert hook_calls.refunds == []


def test_more_than_was_paid_is_refused(paid_order):
    refund_create(order_id=paid_order.pk, amount_fen=12_000, reason="", purpose="after_sale:1")

    with pytest.raises(DomainError) as caught:
        refund_create(order_id=paid_order.pk, amount_fen=301, reason="", purpose="after_sale:2")

    assert caught.value.code == "REFUND_EXCEEDS_PAID" and "3.00" in caught.value.message
    refund_create(order_id=paid_order.pk, amount_fen=300, reason="", purpose="after_sale:2")
    assert sum(Refund.objects.values_list("amount_fen", flat=True)) == 12_300


@pytest.mark.parametrize(("amount", "code"), [(0, "REFUND_AMOUNT_INVALID"), (-5, "REFUND_AMOUNT_INVALID")])
def test_a_refund_needs_a_positive_amount(paid_order, amount, code):
    with pytest.raises(DomainError) as caught:
        refund_create(order_id=paid_order.pk, amount_fen=amount, reason="", purpose="x")
    assert caught.value.code == code


def test_an_unpaid_order_cannot_be_refunded(gateway, order):
    with pytest.raises(DomainError) as caught:
        refund_create(order_id=order.pk, amount_fen=100, reason="", purpose="x")
    assert caught.value.code == "REFUND_NOT_ALLOWED"


def test_the_same_purpose_gets_the_same_refund(paid_order):
    first = refund_create(order_id=paid_order.pk, amount_fen=500, reason="", purpose="after_sale:7")
    again = refund_create(order_id=paid_order.pk, amount_fen=500, reason="", purpose="after_sale:7")

    assert again.pk == first.pk and Refund.objects.count() == 1
    with pytest.raises(DomainError) as caught:
        refund_create(order_id=paid_order.pk, amount_fen=600, reason="", purpose="after_sale:7")
    assert caught.value.code == "REFUND_PURPOSE_CONFLICT"


def test_a_network_failure_is_resubmitted_with_the_same_out_refund_no(live_pay, live_paid_order, hook_calls):
    route = live_pay.router.post("/v3/refund/domestic/refunds")
    route.side_effect = httpx.ConnectError("down")

    refund = refund_create(order_id=live_paid_order.pk, amount_fen=500, reason="", purpose="after_sale:3")

    assert refund.status == RefundStatus.CREATED and refund.error.startswith("WECHATPAY_NETWORK")
    route.side_effect = _refund_answer
    assert refund_submit_pending(now=timezone.now()) == 0  # just tried: wait before sending again
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        assert refund_submit_pending(now=timezone.now()) == 1
        assert refund_submit_pending(now=timezone.now()) == 0

    sent = [json.loads(call.request.content)["out_refund_no"] for call in route.calls]
    assert sent == [refund.out_refund_no, refund.out_refund_no]
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING and refund.error == "" and hook_calls.refunds == []


def test_a_refund_wechat_finishes_at_once_is_finished_once(live_pay, live_paid_order, hook_calls):
    live_pay.router.post("/v3/refund/domestic/refunds").mock(side_effect=lambda r: _refund_answer(r, "SUCCESS"))

    refund = refund_create(order_id=live_paid_order.pk, amount_fen=500, reason="", purpose="after_sale:4")
    message = support.live_notification("REFUND.SUCCESS", support.refund_resource(refund))

    assert refund.status == RefundStatus.SUCCEEDED
    assert _post(message).status_code == 200
    assert hook_calls.refunds == [(refund.pk, RefundStatus.SUCCEEDED)]


@pytest.mark.parametrize(
    ("event", "status", "final"),
    [
        ("REFUND.SUCCESS", "SUCCESS", RefundStatus.SUCCEEDED),
        ("REFUND.ABNORMAL", "ABNORMAL", RefundStatus.ABNORMAL),
        ("REFUND.CLOSED", "CLOSED", RefundStatus.CLOSED),
    ],
)
def test_each_refund_notification_finishes_the_refund_once(live_pay, live_paid_order, hook_calls, event, status, final):
    live_pay.router.post("/v3/refund/domestic/refunds").mock(side_effect=_refund_answer)
    refund = refund_create(order_id=live_paid_order.pk, amount_fen=500, reason="", purpose="after_sale:5")
    message = support.live_notification(event, support.refund_resource(refund, status=status))

    first, replay = _post(message), _post(message)

    assert first.status_code == replay.status_code == 200
    refund.refresh_from_db()
    assert (refund.status, refund.channel_status) == (final, status)
    assert hook_calls.refunds == [(refund.pk, final)]
    assert list(Notification.objects.filter(event_type=event).order_by("id").values_list("outcome", flat=True)) == [
        f"refund_{final}",
        "duplicate",
    ]


def test_a_closed_refund_gives_its_amount_back(live_pay, live_paid_order, hook_calls):
    live_pay.router.post("/v3/refund/domestic/refunds").mock(side_effect=_refund_answer)
    refund = refund_create(order_id=live_paid_order.pk, amount_fen=12_300, reason="", purpose="after_sale:6")
    _post(support.live_notification("REFUND.CLOSED", support.refund_resource(refund, status="CLOSED")))

    again = refund_create(order_id=live_paid_order.pk, amount_fen=12_300, reason="", purpose="after_sale:6")

    assert again.pk != refund.pk and again.out_refund_no.endswith("-2")


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": {"total": 12_300, "refund": 499, "payer_total": 12_300, "payer_refund": 499}},
        {"mchid": "1234567890"},
        {"out_refund_no": "R-NOT-OURS"},
    ],
)
def test_a_refund_report_that_does_not_match_is_refused(live_pay, live_paid_order, hook_calls, changes):
    live_pay.router.post("/v3/refund/domestic/refunds").mock(side_effect=_refund_answer)
    refund = refund_create(order_id=live_paid_order.pk, amount_fen=500, reason="", purpose="after_sale:8")

    response = _post(support.live_notification("REFUND.SUCCESS", support.refund_resource(refund, **changes)))

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PROCESSING and hook_calls.refunds == []


def test_a_refund_event_with_another_status_inside_is_refused(live_pay, live_paid_order, hook_calls):
    live_pay.router.post("/v3/refund/domestic/refunds").mock(side_effect=_refund_answer)
    refund = refund_create(order_id=live_paid_order.pk, amount_fen=500, reason="", purpose="after_sale:9")

    response = _post(support.live_notification("REFUND.SUCCESS", support.refund_resource(refund, status="CLOSED")))

    assert response.status_code == 400 and hook_calls.refunds == []


def test_a_handler_that_refuses_keeps_the_refund_final(live_pay, live_paid_order, hook_calls):
    live_pay.router.post("/v3/refund/domestic/refunds").mock(side_effect=_refund_answer)
    refund = refund_create(order_id=live_paid_order.pk, amount_fen=500, reason="", purpose="after_sale:10")
    hook_calls.refund_error = DomainError("AFTER_SALE_GONE", "售后单不存在")

    assert _post(support.live_notification("REFUND.SUCCESS", support.refund_resource(refund))).status_code == 200

    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and "AFTER_SALE_GONE" in refund.error


def test_sync_and_the_sweep_follow_a_refund_whose_notification_was_lost(live_pay, live_paid_order, hook_calls):
    live_pay.router.post("/v3/refund/domestic/refunds").mock(side_effect=_refund_answer)
    refund = refund_create(order_id=live_paid_order.pk, amount_fen=500, reason="", purpose="after_sale:11")
    query = live_pay.router.get(f"/v3/refund/domestic/refunds/{refund.out_refund_no}").mock(
        side_effect=lambda request: support.signed_answer(
            200,
            {
                "out_refund_no": refund.out_refund_no,
                "refund_id": "50300000000000000000000001",
                "out_trade_no": live_paid_order.order_no,
                "status": "PROCESSING",
                "amount": {"refund": 500, "total": 12_300},
            },
        )
    )

    assert refund_sync(refund_id=refund.pk).status == RefundStatus.PROCESSING
    assert sweep_processing_refunds(now=timezone.now()) == 0  # too early to chase it
    query.side_effect = lambda request: support.signed_answer(
        200,
        {
            "out_refund_no": refund.out_refund_no,
            "refund_id": "50300000000000000000000001",
            "out_trade_no": live_paid_order.order_no,
            "status": "SUCCESS",
            "success_time": "2024-11-25T11:00:00+08:00",
            "amount": {"refund": 500, "total": 12_300},
        },
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=15), tick=False):
        assert sweep_processing_refunds(now=timezone.now()) == 1
        assert sweep_processing_refunds(now=timezone.now()) == 0

    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED
    assert hook_calls.refunds == [(refund.pk, RefundStatus.SUCCEEDED)]


def test_sandbox_refund_sweep_catches_up_when_delivery_failed(paid_order, hook_calls, settings):
    refund = refund_create(order_id=paid_order.pk, amount_fen=500, reason="", purpose="after_sale:13")
    assert refund.status == RefundStatus.PROCESSING  # its notification was dropped with the test transaction

    with time_machine.travel(timezone.now() + timedelta(minutes=15), tick=False):
        assert sweep_processing_refunds(now=timezone.now()) == 1

    assert hook_calls.refunds == [(refund.pk, RefundStatus.SUCCEEDED)]
