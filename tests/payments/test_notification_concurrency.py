"""Twenty deliveries of the same notification at once (PostgreSQL): one pays, all are answered 200,
and the real order moves once."""

from __future__ import annotations

import pytest

from fenxiao.orders.models import Order
from fenxiao.payments.models import Notification, Payment, PaymentStatus
from fenxiao.payments.services import notification_handle
from tests.concurrency import run_together_ok
from tests.payments import support
from tests.payments.support import notify_post, prepared_payment, success_message


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_deliveries_pay_once(gateway, buyer, hook_calls):
    order = support.make_order(buyer)
    payment = prepared_payment(order)
    message = success_message(gateway, payment)
    outcomes = run_together_ok(lambda _: notification_handle(headers=message.headers, body=message.body).outcome, 20)

    assert sorted(outcomes) == ["duplicate"] * 19 + ["paid"]
    assert hook_calls.payments == [payment.pk]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert Notification.objects.count() == 20


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_http_deliveries_are_all_answered_200(gateway, buyer, hook_calls):
    order = support.make_order(buyer)
    payment = prepared_payment(order)
    message = success_message(gateway, payment)
    statuses = run_together_ok(lambda _: notify_post(message).status_code, 20)

    assert statuses == [200] * 20
    assert hook_calls.payments == [payment.pk]
    assert Order.objects.get(pk=order.pk).status == "pending_payment"  # the recording hook does not move it


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_deliveries_move_the_real_order_once(gateway, buyer):
    from fenxiao.orders.models import OrderEvent

    order = support.make_order(buyer)
    payment = prepared_payment(order)
    message = success_message(gateway, payment)
    statuses = run_together_ok(lambda _: notify_post(message).status_code, 20)

    assert statuses == [200] * 20
    order.refresh_from_db()
    assert order.status == "paid" and order.paid_fen == 12_300
    assert OrderEvent.objects.filter(order=order, type="paid").count() == 1
