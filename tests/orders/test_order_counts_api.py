"""``GET /api/v1/orders/counts``: the badges of 我的, counted from the caller's own orders only."""

from __future__ import annotations

from django.utils import timezone

from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_cancel, aftersale_request
from fenxiao.orders.models import Order
from tests.order_support import mark_paid, place_order
from tests.support import Api


def _after_sale(order: Order, buyer):
    line = order.lines.order_by("id").first()
    return aftersale_request(
        order_id=order.id,
        buyer=buyer,
        kind="refund_only",
        reason="不想要了",
        lines=[AfterSaleLineRequest(order_line_id=line.id, quantity=1)],
    )


def test_counts_each_tab_of_the_buyers_orders(buyer_api, buyer, sku):
    place_order(buyer, (sku.id, 1))
    place_order(buyer, (sku.id, 1))
    to_ship = mark_paid(place_order(buyer, (sku.id, 1)))
    shipped = mark_paid(place_order(buyer, (sku.id, 1)))
    Order.objects.filter(pk=shipped.id).update(status="shipped", shipped_at=timezone.now())
    received = mark_paid(place_order(buyer, (sku.id, 1)))
    Order.objects.filter(pk=received.id).update(status="received", received_at=timezone.now())
    done = mark_paid(place_order(buyer, (sku.id, 1)))
    Order.objects.filter(pk=done.id).update(status="completed")
    _after_sale(to_ship, buyer)
    aftersale_cancel(after_sale_id=_after_sale(Order.objects.get(pk=received.id), buyer).id, buyer=buyer)

    res = buyer_api.get("/api/v1/orders/counts")

    assert res.status_code == 200, res.json()
    assert res.json() == {
        "pending_payment": 2,
        "to_ship": 1,
        "to_receive": 1,
        "completed": 2,
        "after_sales": 2,  # orders with any after-sale, as the 售后 tab of the order list
        "open_after_sales": 1,  # the cancelled one is over
    }
    open_list = buyer_api.get("/api/v1/after-sales", {"status": "open"}).json()
    assert open_list["count"] == res.json()["open_after_sales"]


def test_another_users_orders_are_never_counted(buyer_api, other_api, other_user, sku):
    _after_sale(mark_paid(place_order(other_user, (sku.id, 1))), other_user)
    place_order(other_user, (sku.id, 1))

    mine = buyer_api.get("/api/v1/orders/counts").json()

    assert set(mine.values()) == {0}
    assert other_api.get("/api/v1/orders/counts").json()["to_ship"] == 1


def test_counts_need_a_logged_in_user(db):
    assert Api().get("/api/v1/orders/counts").status_code == 401
    assert Api("garbage").get("/api/v1/orders/counts").status_code == 401


def test_the_route_is_in_the_openapi_document(db):
    paths = Api().get("/api/openapi.json").json()["paths"]
    operation = paths["/api/v1/orders/counts"]["get"]
    assert operation["summary"] == "订单数量"
    assert "401" in operation["responses"]
