"""Checkout and orders through the HTTP API, as the mini-program uses them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fenxiao.accounts.models import Address
from fenxiao.orders.models import Order, ShippingRule, ShippingTemplate
from tests.catalog_factories import SkuFactory, stock_of, stock_set
from tests.order_support import mark_paid, place_order


@pytest.fixture
def template(db, sku):
    t = ShippingTemplate.objects.create(name="默认", is_default=True, free_over_fen=9900)
    ShippingRule.objects.create(template=t, provinces=[], first_units=1, first_fen=800, extra_units=1, extra_fen=200)
    ShippingRule.objects.create(
        template=t, provinces=["新疆维吾尔自治区"], first_units=1, first_fen=2000, extra_units=1, extra_fen=1000
    )
    return t


def test_quote_prices_on_the_server_with_shipping(buyer_api, buyer, sku, sku2, template):
    res = buyer_api.post(
        "/api/v1/checkout/quote",
        {"lines": [{"sku_id": sku.id, "quantity": 1}, {"sku_id": sku2.id, "quantity": 2}], "payable_fen": 1},
    )
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["goods_fen"] == 3990 + 2 * 1250
    assert body["shipping_fen"] == 800 + 2 * 200  # 3 pieces, below the 99 yuan threshold
    assert body["payable_fen"] == body["goods_fen"] + body["shipping_fen"]
    assert body["address"]["province"] == "广东省"
    assert [line["paid_fen"] for line in body["lines"]] == [3990, 2500]


def test_quote_shipping_depends_on_the_region_and_threshold(buyer_api, buyer, sku, template):
    far = Address.objects.create(
        user=buyer,
        receiver="王五",
        phone="13900001111",
        province="新疆维吾尔自治区",
        city="乌鲁木齐市",
        district="天山区",
        detail="人民路 1 号",
    )
    res = buyer_api.post("/api/v1/checkout/quote", {"lines": [{"sku_id": sku.id, "quantity": 2}], "address_id": far.id})
    assert res.json()["shipping_fen"] == 3000
    res = buyer_api.post("/api/v1/checkout/quote", {"lines": [{"sku_id": sku.id, "quantity": 3}]})
    assert res.json()["shipping_fen"] == 0  # 119.70 yuan ≥ 99


def test_quote_refuses_another_users_address(buyer_api, other_user, sku):
    theirs = Address.objects.get(user=other_user)
    res = buyer_api.post(
        "/api/v1/checkout/quote", {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": theirs.id}
    )
    assert res.status_code == 404
    assert res.json()["code"] == "ADDRESS_NOT_FOUND"


def test_quote_names_every_line_short_of_stock(buyer_api, sku, sku2):
    stock_set(sku, 1)
    stock_set(sku2, 0)
    res = buyer_api.post(
        "/api/v1/checkout/quote",
        {"lines": [{"sku_id": sku.id, "quantity": 2}, {"sku_id": sku2.id, "quantity": 1}]},
    )
    assert res.status_code == 409
    assert res.json()["code"] == "STOCK_INSUFFICIENT"
    assert sku.product.title in res.json()["message"] and sku2.product.title in res.json()["message"]


def test_off_shelf_and_unknown_skus_are_refused(buyer_api, sku):
    sku.product.is_on_shelf = False
    sku.product.save()
    res = buyer_api.post("/api/v1/checkout/quote", {"lines": [{"sku_id": sku.id, "quantity": 1}]})
    assert (res.status_code, res.json()["code"]) == (400, "PRODUCT_OFF_SHELF")
    res = buyer_api.post("/api/v1/checkout/quote", {"lines": [{"sku_id": 999999, "quantity": 1}]})
    assert (res.status_code, res.json()["code"]) == (404, "SKU_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"sku_id": 1, "quantity": 0}]}, "lines.0.quantity"),
        ({"lines": [{"sku_id": 1, "quantity": 1000}]}, "lines.0.quantity"),
    ],
)
def test_bad_baskets_name_the_field(buyer_api, body, field):
    res = buyer_api.post("/api/v1/checkout/quote", body)
    assert res.status_code == 422
    assert res.json()["code"] == "VALIDATION_ERROR"
    assert res.json()["field"] == field


def test_create_order_ignores_client_totals_and_holds_stock(buyer_api, buyer, sku, template):
    address = Address.objects.get(user=buyer)
    res = buyer_api.post(
        "/api/v1/orders",
        {"lines": [{"sku_id": sku.id, "quantity": 2}], "address_id": address.id, "remark": "下午送", "payable_fen": 1},
    )
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["status"] == "pending_payment"
    assert body["order_no"] and body["id"]
    assert body["payable_fen"] == 2 * 3990 + 800 + 200
    assert body["remark"] == "下午送"
    assert body["payment_deadline"] is not None
    sku.refresh_from_db()
    assert stock_of(sku) == 98


def test_idempotency_key_makes_a_retry_return_the_same_order(buyer_api, buyer, sku):
    address = Address.objects.get(user=buyer)
    body = {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": address.id}
    first = buyer_api.client.post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {buyer_api.token}", "Idempotency-Key": "submit-42"},
    )
    second = buyer_api.client.post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {buyer_api.token}", "Idempotency-Key": "submit-42"},
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Order.objects.count() == 1


def test_order_needs_an_address(buyer_api, buyer, sku):
    Address.objects.filter(user=buyer).delete()
    res = buyer_api.post("/api/v1/orders", {"lines": [{"sku_id": sku.id, "quantity": 1}]})
    assert (res.status_code, res.json()["code"]) == (400, "ADDRESS_REQUIRED")


def test_orders_are_listed_by_tab_and_only_the_callers(buyer_api, buyer, other_user, sku):
    unpaid = place_order(buyer, (sku.id, 1))
    paid = mark_paid(place_order(buyer, (sku.id, 1)))
    place_order(other_user, (sku.id, 1))

    def ids(tab=None):
        res = buyer_api.get("/api/v1/orders", {"status": tab} if tab else None)
        assert res.status_code == 200
        return [o["id"] for o in res.json()["items"]]

    assert ids() == [paid.id, unpaid.id]
    assert ids("pending_payment") == [unpaid.id]
    assert ids("to_ship") == [paid.id]
    assert ids("to_receive") == []
    res = buyer_api.get("/api/v1/orders", {"status": "nonsense"})
    assert res.status_code == 400


def test_another_users_order_is_not_found(buyer_api, other_user, sku):
    theirs = place_order(other_user, (sku.id, 1))
    for res in (
        buyer_api.get(f"/api/v1/orders/{theirs.id}"),
        buyer_api.post(f"/api/v1/orders/{theirs.id}/cancel", {}),
        buyer_api.post(f"/api/v1/orders/{theirs.id}/confirm-receipt", {}),
    ):
        assert (res.status_code, res.json()["code"]) == (404, "ORDER_NOT_FOUND")
    theirs.refresh_from_db()
    assert theirs.status == "pending_payment"


def test_buyer_cancels_an_unpaid_order_only(buyer_api, buyer, sku):
    order = place_order(buyer, (sku.id, 2))
    res = buyer_api.post(f"/api/v1/orders/{order.id}/cancel", {"reason": "拍错了"})
    assert res.status_code == 200
    assert res.json()["status"] == "cancelled"
    sku.refresh_from_db()
    assert stock_of(sku) == 100
    paid = mark_paid(place_order(buyer, (sku.id, 1)))
    res = buyer_api.post(f"/api/v1/orders/{paid.id}/cancel", {})
    assert (res.status_code, res.json()["code"]) == (409, "ORDER_NOT_CANCELLABLE")


def test_confirm_receipt_needs_a_shipped_order(buyer_api, buyer, sku):
    paid = mark_paid(place_order(buyer, (sku.id, 1)))
    res = buyer_api.post(f"/api/v1/orders/{paid.id}/confirm-receipt", {})
    assert (res.status_code, res.json()["code"]) == (409, "ORDER_NOT_RECEIVABLE")
    Order.objects.filter(pk=paid.id).update(status="shipped", shipped_at=timezone.now())
    res = buyer_api.post(f"/api/v1/orders/{paid.id}/confirm-receipt", {})
    assert res.status_code == 200
    assert res.json()["status"] == "received"
    detail = buyer_api.get(f"/api/v1/orders/{paid.id}").json()
    assert [e["type"] for e in detail["events"]] == ["created", "paid", "received"]
    assert [e["label"] for e in detail["events"]] == ["提交订单", "支付成功", "确认收货"]


def test_anonymous_callers_are_refused(anon_client):
    assert anon_client.get("/api/v1/orders").status_code == 401
    assert anon_client.post("/api/v1/checkout/quote", {"lines": []}).status_code == 401


@pytest.fixture
def anon_client():
    from tests.support import Api

    return Api()


def test_prices_are_taken_when_the_order_is_placed(buyer_api, buyer, sku):
    address = Address.objects.get(user=buyer)
    res = buyer_api.post("/api/v1/orders", {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": address.id})
    sku.price_fen = 100
    sku.save()
    order = Order.objects.get(pk=res.json()["id"])
    assert order.payable_fen == 3990
    assert order.lines.get().unit_price_fen == 3990


def test_a_sku_with_its_own_image_snapshot(buyer, db):
    sku = SkuFactory(image="demo/skus/x.png")
    order = place_order(buyer, (sku.id, 1))
    assert order.lines.get().image == "demo/skus/x.png"


def test_a_changed_template_prices_the_next_quote(buyer_api, sku, template, django_capture_on_commit_callbacks):
    body = {"lines": [{"sku_id": sku.id, "quantity": 1}]}
    assert buyer_api.post("/api/v1/checkout/quote", body).json()["shipping_fen"] == 800
    rule = template.rules.get(provinces=[])
    rule.first_fen = 1000
    with django_capture_on_commit_callbacks(execute=True):
        rule.save()
    assert buyer_api.post("/api/v1/checkout/quote", body).json()["shipping_fen"] == 1000
    with django_capture_on_commit_callbacks(execute=True):
        template.products.add(sku.product)  # covered explicitly now: same template, same fee
        template.free_over_fen = 100
        template.save()
    assert buyer_api.post("/api/v1/checkout/quote", body).json()["shipping_fen"] == 0


def test_placing_an_order_reads_nothing_back(buyer_api, buyer, sku, template, django_assert_max_num_queries):
    address = Address.objects.get(user=buyer)
    # A first order warms what every later one reads from the cache (shipping templates, and the
    # settings of the apps that hook into placement, such as distribution's referral snapshot).
    buyer_api.post("/api/v1/orders", {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": address.id})
    # 15: the 14 of placement, and the risk trace (device id, IP) written with the order.
    with django_assert_max_num_queries(15):
        res = buyer_api.post("/api/v1/orders", {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": address.id})
    assert res.status_code == 201
    assert [e["type"] for e in res.json()["events"]] == ["created"]
