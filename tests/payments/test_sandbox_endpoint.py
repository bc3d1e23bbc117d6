"""``POST /api/v1/sandbox/payments/{order_no}/succeed``: pays an order offline through the very
notification path live WeChat uses, for its buyer or staff, and does not exist in live mode."""

from __future__ import annotations

import pytest

from fenxiao.orders.models import Order
from fenxiao.payments.models import Notification, Payment, PaymentStatus
from tests.support import Api

pytestmark = pytest.mark.django_db


def _succeed(api, order):
    return api.post(f"/api/v1/sandbox/payments/{order.order_no}/succeed")


def test_the_buyer_pays_and_the_real_orders_handler_marks_the_order_paid(gateway, order, buyer_api):
    response = _succeed(buyer_api, order)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "order_no": order.order_no,
        "order_status": "paid",
        "payment_no": order.order_no,
        "payment_status": "succeeded",
        "outcome": "paid",
    }
    order.refresh_from_db()
    assert order.paid_fen == order.payable_fen == 12_300
    payment = Payment.objects.get(order=order)
    assert payment.transaction_id.startswith("4200") and payment.mode == "sandbox"
    assert Notification.objects.get().outcome == "paid"


def test_paying_twice_changes_nothing(gateway, order, buyer_api):
    _succeed(buyer_api, order)

    again = _succeed(buyer_api, order)

    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert Payment.objects.filter(order=order, status=PaymentStatus.SUCCEEDED).count() == 1


def test_a_prepared_payment_is_the_one_paid(gateway, order, buyer_api):
    payment_no = buyer_api.post(f"/api/v1/orders/{order.pk}/pay").json()["payment_no"]

    assert _succeed(buyer_api, order).json()["payment_no"] == payment_no
    assert Payment.objects.filter(order=order).count() == 1


def test_staff_may_pay_any_order(gateway, order, staff_api, hook_calls):
    response = _succeed(staff_api, order)

    assert response.status_code == 200 and response.json()["payment_status"] == "succeeded"
    assert hook_calls.payments == [Payment.objects.get(order=order).pk]


def test_another_shopper_gets_404(gateway, order, other_shopper_api):
    response = _succeed(other_shopper_api, order)

    assert response.status_code == 404 and response.json()["code"] == "ORDER_NOT_FOUND"
    assert not Payment.objects.exists()


def test_a_staff_user_with_a_shopper_token_is_a_shopper(gateway, order, db):
    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue

    staff = User.objects.create(username="op2", is_staff=True)
    response = _succeed(Api(token_pair_issue(user_id=staff.id, scope="user").access), order)

    assert response.status_code == 404


def test_an_unknown_order_is_404(gateway, buyer_api):
    response = buyer_api.post("/api/v1/sandbox/payments/NOPE/succeed")
    assert response.status_code == 404


def test_without_a_token_401(gateway, order):
    assert _succeed(Api(), order).status_code == 401


def test_in_live_mode_the_endpoint_does_not_exist(live_pay, order, buyer_api, staff_api):
    assert _succeed(buyer_api, order).status_code == 404
    assert _succeed(staff_api, order).status_code == 404
    assert Order.objects.get(pk=order.pk).status == "pending_payment"
