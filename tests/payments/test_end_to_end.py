"""A real order placed through orders' checkout, paid in the sandbox through the HTTP API, and
partly refunded: stock, order and payment agree at every step."""

from __future__ import annotations

import pytest

from fenxiao.orders.checkout import LineRequest
from fenxiao.payments.models import Payment, PaymentStatus, Refund
from fenxiao.payments.services import refund_create
from tests.catalog_factories import SkuFactory, stock_of
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def test_place_pay_and_refund(gateway, buyer, buyer_api):
    from fenxiao.orders.services import order_create

    sku = SkuFactory(price_fen=3_990, stock=10)
    address = AddressFactory(user=buyer)
    order = order_create(user=buyer, lines=[LineRequest(sku_id=sku.id, quantity=2)], address_id=address.id)

    pay = buyer_api.post(f"/api/v1/orders/{order.pk}/pay")
    assert pay.status_code == 200, pay.content
    paid = buyer_api.post(f"/api/v1/sandbox/payments/{order.order_no}/succeed")
    assert paid.status_code == 200, paid.content
    assert paid.json()["order_status"] == "paid"

    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert order.paid_fen == payment.amount_fen == order.payable_fen
    assert stock_of(sku.pk) == 8

    refund = refund_create(order_id=order.pk, amount_fen=1_000, reason="测试", purpose="test:partial")
    assert refund.status == "processing"
    assert Refund.objects.get(pk=refund.pk).payment_id == payment.pk
