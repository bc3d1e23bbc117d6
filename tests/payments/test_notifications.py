"""WeChat's payment notifications, once proved genuine: nothing is paid unless it matches our
payment, money the order refuses is kept for a full refund, and one payment is paid once however
often WeChat delivers it. Signatures, live keys and concurrent deliveries have their own files
(``test_notification_signatures``, ``_live_keys``, ``_concurrency``)."""

from __future__ import annotations

from datetime import datetime

import pytest

from fenxiao.core.errors import DomainError
from fenxiao.orders.models import Order
from fenxiao.payments.hooks import PaymentRefusal
from fenxiao.payments.models import Notification, Payment, PaymentStatus
from tests.payments import support
from tests.payments.support import NOTIFY, notify_post, prepared_payment, success_message


@pytest.mark.django_db
def test_a_genuine_notification_pays_once(gateway, payment, hook_calls):
    response = notify_post(success_message(gateway, payment))

    assert response.status_code == 200
    assert response.json() == {"code": "SUCCESS", "message": "成功"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.transaction_id == "4200002024112512345678901234" and payment.trade_state == "SUCCESS"
    assert payment.paid_at == datetime.fromisoformat("2024-11-25T10:00:00+08:00")
    assert hook_calls.payments == [payment.pk]
    assert list(Notification.objects.values_list("event_type", "outcome")) == [("TRANSACTION.SUCCESS", "paid")]


@pytest.mark.django_db
def test_the_same_notification_again_is_answered_and_changes_nothing(gateway, payment, hook_calls):
    message = success_message(gateway, payment)
    assert notify_post(message).status_code == 200
    paid = Payment.objects.get(pk=payment.pk)

    replay = notify_post(message)

    assert replay.status_code == 200
    assert hook_calls.payments == [payment.pk]
    again = Payment.objects.get(pk=payment.pk)
    assert (again.status, again.transaction_id, again.paid_at) == (paid.status, paid.transaction_id, paid.paid_at)
    assert list(Notification.objects.order_by("id").values_list("outcome", flat=True)) == ["paid", "duplicate"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"amount": {"total": 1, "payer_total": 1, "currency": "CNY"}}, "rejected:amount_mismatch"),
        ({"mchid": "1234567890"}, "rejected:mchid_mismatch"),
        ({"appid": "wx-someone-else"}, "rejected:appid_mismatch"),
        ({"trade_state": "NOTPAY"}, "rejected:not_success"),
    ],
)
def test_a_report_that_does_not_match_the_payment_is_refused(gateway, payment, hook_calls, changes, outcome):
    response = notify_post(success_message(gateway, payment, **changes))

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert Order.objects.get(pk=payment.order_id).status == "pending_payment"
    assert hook_calls.payments == []
    assert Notification.objects.get().outcome == outcome


@pytest.mark.django_db
def test_an_unknown_out_trade_no_is_refused(gateway, payment, hook_calls):
    response = notify_post(success_message(gateway, payment, out_trade_no="FX-NOT-OURS"))

    assert response.status_code == 400
    assert Notification.objects.get().outcome == "rejected:unknown_payment"
    assert hook_calls.payments == []


@pytest.mark.django_db
def test_other_event_types_are_acknowledged_and_ignored(gateway, payment, hook_calls):
    message = support.sandbox_notification(
        gateway, "TRANSACTION.REVOKED", support.transaction_resource(payment, gateway)
    )

    assert notify_post(message).status_code == 200
    assert Notification.objects.get().outcome == "ignored"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED


@pytest.mark.django_db
def test_money_the_order_refuses_is_kept_on_record_for_a_full_refund(gateway, payment, hook_calls):
    hook_calls.refusal = PaymentRefusal("ORDER_CANCELLED", "订单已取消")

    response = notify_post(success_message(gateway, payment))

    # The money has moved; retrying will not change the order's mind, so WeChat is told SUCCESS.
    assert response.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.anomaly) == (PaymentStatus.REFUSED, "订单已取消，自动全额退款")
    assert payment.transaction_id and payment.trade_state == "SUCCESS"
    assert Notification.objects.get().outcome == "refused"
    assert notify_post(success_message(gateway, payment)).status_code == 200
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_a_handler_failing_with_a_domain_error_refuses_the_money_too(gateway, payment, hook_calls):
    hook_calls.payment_error = DomainError("STOCK_MISSING", "库存记录缺失")

    assert notify_post(success_message(gateway, payment)).status_code == 200

    payment.refresh_from_db()
    assert (payment.status, payment.anomaly) == (PaymentStatus.REFUSED, "库存记录缺失，自动全额退款")
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_a_crash_in_the_handler_rolls_back_and_wechat_retries(gateway, payment, hook_calls):
    hook_calls.payment_error = RuntimeError("database went away")
    message = success_message(gateway, payment)

    response = notify_post(message)

    assert response.status_code == 500 and response.json()["code"] == "FAIL"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    hook_calls.payment_error = None
    assert notify_post(message).status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert hook_calls.payments == [payment.pk, payment.pk]  # the first call was rolled back


@pytest.mark.django_db
def test_the_refund_notify_url_takes_the_same_path(gateway, payment, hook_calls):
    assert notify_post(success_message(gateway, payment), "/api/v1/payments/wechat/refund-notify").status_code == 200
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_the_real_orders_handler_marks_the_order_paid(gateway, order):
    payment = prepared_payment(order)

    assert notify_post(success_message(gateway, payment)).status_code == 200

    order.refresh_from_db()
    assert order.status == "paid" and order.paid_fen == 12_300 == payment.amount_fen
    assert notify_post(success_message(gateway, payment)).status_code == 200
    assert Order.objects.get(pk=order.pk).paid_fen == 12_300


@pytest.mark.django_db
def test_wechat_needs_no_csrf_token(gateway, payment, hook_calls):
    from django.test import Client

    message = success_message(gateway, payment)
    response = Client(enforce_csrf_checks=True).post(
        NOTIFY, message.body, content_type="application/json", headers=message.headers
    )

    assert response.status_code == 200 and hook_calls.payments == [payment.pk]
