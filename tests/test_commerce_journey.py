"""The commerce issue's acceptance journey, through the HTTP API alone and with real commits:
log in, add to cart, quote, order, pay in sandbox (signature verified and notification
decrypted for real), operator ships, shopper confirms, applies for a partial refund, operator
approves, the refund notification lands. Every amount is checked to the fen."""

from __future__ import annotations

import pytest

from fenxiao.orders.models import Order, ShippingRule, ShippingTemplate
from fenxiao.payments.models import Notification, Payment, Refund
from tests.catalog_factories import SkuFactory, stock_of
from tests.support import HOME_ADDRESS, Api

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_api():
    from fenxiao.accounts.models import User

    operator = User.objects.create(username="operator", is_staff=True)
    operator.set_password("s3cret-pass-123")
    operator.save()
    res = Api().post("/api/v1/auth/staff-login", {"username": "operator", "password": "s3cret-pass-123"})
    assert res.status_code == 200, res.json()
    return Api(res.json()["access"])


def test_buy_pay_ship_receive_and_refund_part_through_the_api(staff_api):
    template = ShippingTemplate.objects.create(name="默认", is_default=True, free_over_fen=20000)
    ShippingRule.objects.create(
        template=template, provinces=[], first_units=1, first_fen=800, extra_units=1, extra_fen=200
    )
    cream = SkuFactory(price_fen=3990, stock=10)
    mask = SkuFactory(price_fen=1250, stock=10)

    # log in as a sandbox WeChat user and add an address
    login = Api().post("/api/v1/auth/wechat-login", {"code": "sandbox-journey"})
    assert login.status_code == 200, login.json()
    shopper = Api(login.json()["access"])
    address = shopper.post("/api/v1/addresses", {**HOME_ADDRESS, "is_default": True})
    assert address.status_code == 201, address.json()

    # cart: two creams (added in two taps) and three masks
    assert shopper.post("/api/v1/cart/items", {"sku_id": cream.id, "quantity": 1}).status_code == 201
    assert shopper.post("/api/v1/cart/items", {"sku_id": cream.id, "quantity": 1}).status_code == 201
    assert shopper.post("/api/v1/cart/items", {"sku_id": mask.id, "quantity": 3}).status_code == 201
    cart = shopper.get("/api/v1/cart/items").json()
    assert cart["summary"]["selected_goods_fen"] == 2 * 3990 + 3 * 1250
    lines = [{"sku_id": i["sku_id"], "quantity": i["quantity"]} for i in cart["items"] if i["selected"]]

    # quote and order: 117.30 yuan of goods, 5 pieces → 8 + 4 × 2 = 16 yuan shipping
    quote = shopper.post("/api/v1/checkout/quote", {"lines": lines}).json()
    assert (quote["goods_fen"], quote["shipping_fen"], quote["payable_fen"]) == (11730, 1600, 13330)
    created = shopper.client.post(
        "/api/v1/orders",
        {"lines": lines, "address_id": address.json()["id"], "from_cart": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {shopper.token}", "Idempotency-Key": "journey-1"},
    )
    assert created.status_code == 201, created.json()
    order = created.json()
    assert (order["status"], order["payable_fen"]) == ("pending_payment", 13330)
    assert shopper.get("/api/v1/cart/items").json()["items"] == []
    assert stock_of(cream.id) == 8

    # pay: the wx.requestPayment parameters, then the sandbox's signed, encrypted notification
    pay = shopper.post(f"/api/v1/orders/{order['id']}/pay")
    assert pay.status_code == 200, pay.json()
    params = pay.json()["params"]
    assert params["package"].startswith("prepay_id=") and params["signType"] == "RSA" and params["paySign"]
    paid = shopper.post(f"/api/v1/sandbox/payments/{order['order_no']}/succeed")
    assert paid.status_code == 200, paid.json()
    assert paid.json()["order_status"] == "paid"
    assert Notification.objects.filter(event_type="TRANSACTION.SUCCESS").count() == 1
    again = shopper.post(f"/api/v1/sandbox/payments/{order['order_no']}/succeed")
    assert again.json()["outcome"] == "duplicate"
    payment = Payment.objects.get(order_id=order["id"])
    assert payment.amount_fen == 13330 and payment.transaction_id

    # the operator ships everything; the shopper sees the parcel and confirms receipt
    shipped = staff_api.post(
        f"/api/v1/admin/orders/{order['id']}/shipments", {"carrier_code": "SF", "tracking_no": "SF1234567890123"}
    )
    assert shipped.status_code == 201, shipped.json()
    parcels = shopper.get(f"/api/v1/orders/{order['id']}/shipments").json()
    assert parcels[0]["tracking_no"] == "SF1234567890123"
    assert shopper.get(f"/api/v1/orders/{order['id']}").json()["status"] == "shipped"
    received = shopper.post(f"/api/v1/orders/{order['id']}/confirm-receipt")
    assert received.json()["status"] == "received"

    # one of the three masks was broken: a partial refund of exactly one mask
    detail = shopper.get(f"/api/v1/orders/{order['id']}").json()
    mask_line = next(line for line in detail["lines"] if line["sku_id"] == mask.id)
    asked = shopper.post(
        f"/api/v1/orders/{order['id']}/after-sales",
        {"kind": "refund_only", "reason": "商品破损", "lines": [{"order_line_id": mask_line["id"], "quantity": 1}]},
    )
    assert asked.status_code == 201, asked.json()
    after_sale = asked.json()
    assert after_sale["refund_fen"] == 1250
    approved = staff_api.post(f"/api/v1/admin/after-sales/{after_sale['id']}/approve")
    assert approved.status_code == 200, approved.json()

    # the sandbox's REFUND.SUCCESS notification went through the real handler
    refund = Refund.objects.get(order_id=order["id"])
    assert (refund.status, refund.amount_fen) == ("succeeded", 1250)
    assert Notification.objects.filter(event_type="REFUND.SUCCESS").count() == 1
    final = shopper.get(f"/api/v1/orders/{order['id']}").json()
    assert (final["paid_fen"], final["refunded_fen"]) == (13330, 1250)
    assert next(line for line in final["lines"] if line["sku_id"] == mask.id)["refunded_quantity"] == 1
    assert shopper.get(f"/api/v1/after-sales/{after_sale['id']}").json()["status"] == "refunded"
    # money: what WeChat took minus what it gave back is what the order says was kept
    order_row = Order.objects.get(pk=order["id"])
    assert payment.amount_fen - refund.amount_fen == order_row.paid_fen - order_row.refunded_fen == 12080
