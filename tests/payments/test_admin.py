"""Operators read payments, refunds and notifications; nobody edits money records by hand."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.payments.models import Notification, Payment
from fenxiao.payments.services import payment_prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_cn(db) -> Client:
    admin = User.objects.create(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def payment(gateway, order):
    return payment_prepare(order_id=order.pk, payer_openid="sandbox-alice", description="订单").payment


@pytest.mark.parametrize("model", ["payment", "refund", "notification"])
def test_changelists_open_and_nothing_can_be_added(admin_client_cn, payment, model):
    assert admin_client_cn.get(f"/admin/payments/{model}/").status_code == 200
    assert admin_client_cn.get(f"/admin/payments/{model}/add/").status_code == 403


def test_search_by_order_number_and_view_without_editing(admin_client_cn, payment, order):
    listing = admin_client_cn.get("/admin/payments/payment/", {"q": order.order_no})
    assert payment.out_trade_no in listing.content.decode()

    page = admin_client_cn.get(f"/admin/payments/payment/{payment.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client_cn.post(f"/admin/payments/payment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_the_sync_action_asks_wechat(admin_client_cn, payment, gateway, hook_calls):
    gateway.complete_payment(payment.out_trade_no)

    response = admin_client_cn.post(
        "/admin/payments/payment/", {"action": "sync_with_wechat", "_selected_action": [payment.pk]}, follow=True
    )

    assert response.status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"


def test_notifications_are_searchable_by_trade_number(admin_client_cn):
    Notification.objects.create(
        notification_id="EV-1", event_type="TRANSACTION.SUCCESS", resource={"out_trade_no": "FX123"}, outcome="paid"
    )
    assert "EV-1" in admin_client_cn.get("/admin/payments/notification/", {"q": "FX123"}).content.decode()
