"""``POST /api/v1/orders/{id}/pay``: the buyer gets wx.requestPayment params; nobody else learns
the order exists."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from tests.support import Api

pytestmark = pytest.mark.django_db


def test_the_buyer_gets_request_payment_params(gateway, order, buyer_api):
    response = buyer_api.post(f"/api/v1/orders/{order.pk}/pay")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["payment_no"] == order.order_no
    assert set(body["params"]) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert body["params"]["signType"] == "RSA" and body["params"]["package"].startswith("prepay_id=")


def test_paying_twice_answers_the_same_payment(gateway, order, buyer_api):
    first = buyer_api.post(f"/api/v1/orders/{order.pk}/pay").json()
    second = buyer_api.post(f"/api/v1/orders/{order.pk}/pay").json()

    assert first["payment_no"] == second["payment_no"]
    assert first["params"]["package"] == second["params"]["package"]


def test_someone_elses_order_does_not_exist(gateway, order, other_shopper_api):
    response = other_shopper_api.post(f"/api/v1/orders/{order.pk}/pay")

    assert response.status_code == 404
    assert response.json() == {"code": "ORDER_NOT_FOUND", "message": "订单不存在"}


def test_paying_needs_a_login(gateway, order):
    assert Api().post(f"/api/v1/orders/{order.pk}/pay").status_code == 401


def test_a_user_without_openid_is_told_to_log_in_with_wechat(gateway, buyer, order):
    User.objects.filter(pk=buyer.pk).update(openid=None)
    api = Api(token_pair_issue(user_id=buyer.id, scope="user").access)

    response = api.post(f"/api/v1/orders/{order.pk}/pay")

    assert response.status_code == 400 and response.json()["code"] == "OPENID_REQUIRED"


def test_a_paid_order_is_refused(gateway, order, buyer_api):
    order.status = "paid"
    order.save(update_fields=["status"])

    response = buyer_api.post(f"/api/v1/orders/{order.pk}/pay")

    assert response.status_code == 409 and response.json()["code"] == "ORDER_NOT_PAYABLE"
