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


def test_with_a_sandbox_notify_url_the_notification_is_posted_there_as_wechat_posts_it(
    gateway, order, buyer_api, settings, monkeypatch
):
    """A cluster's sandbox: the notification goes over HTTP to the public notify URL (nginx), so
    another app node may be the one that pays the order; the buyer's page polls meanwhile."""
    import respx

    from fenxiao.integrations.wechat.pay import sandbox as pay_sandbox

    settings.WECHATPAY_SANDBOX_NOTIFY_URL = "http://mall.test/api/v1/payments/wechat/notify"
    threads = []
    post = pay_sandbox.post_notification
    monkeypatch.setattr(pay_sandbox, "post_notification", lambda url, m: threads.append(post(url, m)) or threads[-1])
    with respx.mock(assert_all_called=True) as wechat:
        route = wechat.post(settings.WECHATPAY_SANDBOX_NOTIFY_URL)
        route.side_effect = [respx.MockResponse(503), respx.MockResponse(200, json={"code": "SUCCESS"})]
        monkeypatch.setattr(pay_sandbox, "POST_RETRY_DELAYS", (0.0,))
        response = _succeed(buyer_api, order)
        threads[0].join(timeout=10)

    assert response.status_code == 200 and response.json()["outcome"] == "notified"
    assert response.json()["order_status"] == "pending_payment"  # not paid by this request
    assert route.call_count == 2  # a refused delivery is retried
    sent = route.calls.last.request
    delivered = Api().client.post(
        "/api/v1/payments/wechat/notify",
        data=sent.content,
        content_type="application/json",
        headers={k: v for k, v in sent.headers.items() if k.lower().startswith("wechatpay-")},
    )
    assert delivered.status_code == 200, delivered.content
    order.refresh_from_db()
    assert order.status == "paid"
    assert Notification.objects.get().outcome == "paid"
