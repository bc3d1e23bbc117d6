"""The operator API for orders: list with filters, detail, ship, correct, cancel; staff only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenxiao.accounts.models import Address
from fenxiao.orders.models import AfterSale, OrderStatus, Shipment
from fenxiao.orders.shipping.shipments import order_ship
from tests.order_support import mark_paid, place_order
from tests.support import Api

ORDERS = "/api/v1/admin/orders"
DAY = timezone.datetime(2026, 11, 20, 9, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture
def paid(buyer, sku, sku2):
    return mark_paid(place_order(buyer, (sku.id, 2), (sku2.id, 1)))


def codes(response) -> tuple[int, str]:
    return response.status_code, response.json().get("code", "")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ORDERS),
        ("get", f"{ORDERS}/1"),
        ("post", f"{ORDERS}/1/shipments"),
        ("patch", f"{ORDERS}/1/shipments/1"),
        ("post", f"{ORDERS}/1/cancel"),
        ("get", "/api/v1/admin/carriers"),
    ],
)
def test_staff_only(buyer_api, method, path):
    assert getattr(Api(), method)(path).status_code == 401
    assert codes(getattr(buyer_api, method)(path)) == (403, "STAFF_ONLY")


def test_list_filters(staff_api, buyer, other_user, sku):
    with time_machine.travel(DAY, tick=False):
        early = place_order(buyer, (sku.id, 1))
    with time_machine.travel(DAY + timedelta(days=2), tick=False):
        paid = mark_paid(place_order(buyer, (sku.id, 1)))
        Address.objects.filter(user=other_user).update(receiver="王五", phone="13900001234")
        bob = place_order(other_user, (sku.id, 1))

    def ids(**params):
        response = staff_api.get(ORDERS, params)
        assert response.status_code == 200, response.json()
        return [o["id"] for o in response.json()["items"]]

    assert ids() == [bob.id, paid.id, early.id]  # newest first
    assert ids(status="paid") == [paid.id]
    assert ids(buyer_id=other_user.id) == [bob.id]
    assert ids(date_from="2026-11-20", date_to="2026-11-20") == [early.id]
    assert ids(date_from="2026-11-21") == [bob.id, paid.id]
    assert ids(q=paid.order_no) == [paid.id]
    assert ids(q="1234") == [bob.id]  # phone tail
    assert ids(q="王五") == [bob.id]
    page = staff_api.get(ORDERS, {"page": 2, "page_size": 2}).json()
    assert (page["count"], page["page"], page["page_size"], len(page["items"])) == (3, 2, 2, 1)
    assert codes(staff_api.get(ORDERS, {"status": "lost"})) == (400, "ORDER_STATUS_INVALID")


def test_list_queries_do_not_grow_with_the_page(staff_api, buyer, sku, staff):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_api.get(ORDERS).status_code == 200
        return len(captured)

    order_ship(order_id=mark_paid(place_order(buyer, (sku.id, 1))).id, by=staff, carrier_code="SF",
               tracking_no="SF0000001")  # fmt: skip
    one = queries()
    for _ in range(3):
        place_order(buyer, (sku.id, 1))
    assert queries() == one


def test_list_shows_buyer_and_unmasked_phone(staff_api, paid, buyer):
    item = staff_api.get(ORDERS).json()["items"][0]
    assert item["buyer"] == {"id": buyer.id, "username": buyer.username, "nickname": "爱丽丝", "phone": ""}
    assert item["receiver_phone"] == "13800138000"
    assert (item["status"], item["status_label"], item["item_count"], item["shipment_count"]) == (
        "paid",
        "待发货",
        3,
        0,
    )


def test_detail_has_lines_events_payments_shipments_and_after_sales(staff_api, paid, buyer, staff):
    first, second = paid.lines.order_by("id")
    order_ship(order_id=paid.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=[(first.id, 1)])
    AfterSale.objects.create(
        after_sale_no="AS1", order=paid, buyer=buyer, kind="refund_only", reason="拍错了", refund_fen=1250
    ).lines.create(order_line=second, quantity=1, refund_fen=1250)

    response = staff_api.get(f"{ORDERS}/{paid.id}")

    assert response.status_code == 200
    body = response.json()
    assert [(ln["shipped_quantity"], ln["shippable_quantity"]) for ln in body["lines"]] == [(1, 1), (0, 0)]
    assert [e["type"] for e in body["events"]] == ["created", "paid", "partially_shipped"]
    assert body["events"][-1]["actor"] == "operator"
    [shipment] = body["shipments"]
    assert (shipment["tracking_no"], shipment["shipped_by"], shipment["wechat_upload"]) == (
        "SF0000001",
        "operator",
        "pending",
    )
    assert shipment["lines"] == [
        {"order_line_id": first.id, "title": first.product_title, "specs": first.sku_specs, "quantity": 1}
    ]
    [after_sale] = body["after_sales"]
    assert (after_sale["after_sale_no"], after_sale["status_label"], after_sale["refund_fen"]) == (
        "AS1",
        "待审核",
        1250,
    )
    [payment] = body["payments"]
    assert payment["status"] == "succeeded"
    assert payment["transaction_id"].startswith("42000")
    assert (body["province"], body["receiver_phone"]) == ("广东省", "13800138000")


def test_detail_of_a_missing_order(staff_api):
    assert codes(staff_api.get(f"{ORDERS}/999")) == (404, "ORDER_NOT_FOUND")


def test_ship_all_then_order_is_shipped(staff_api, paid):
    response = staff_api.post(f"{ORDERS}/{paid.id}/shipments", {"carrier_code": "SF", "tracking_no": "sf0000001"})

    assert response.status_code == 201
    body = response.json()
    assert (body["carrier_name"], body["tracking_no"], body["order_id"]) == ("顺丰速运", "SF0000001", paid.id)
    assert sorted(ln["quantity"] for ln in body["lines"]) == [1, 2]
    paid.refresh_from_db()
    assert paid.status == OrderStatus.SHIPPED


def test_ship_some_lines(staff_api, paid):
    first = paid.lines.order_by("id").first()
    response = staff_api.post(
        f"{ORDERS}/{paid.id}/shipments",
        {"carrier_code": "ZTO", "tracking_no": "78000001", "lines": [{"order_line_id": first.id, "quantity": 1}]},
    )
    assert response.status_code == 201
    assert response.json()["lines"][0]["quantity"] == 1
    paid.refresh_from_db()
    assert paid.status == OrderStatus.PAID


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"carrier_code": "MARS", "tracking_no": "SF0000001"}, (400, "CARRIER_UNKNOWN")),
        ({"carrier_code": "SF", "tracking_no": "SF 01"}, (400, "TRACKING_NO_INVALID")),
        ({"carrier_code": "SF", "tracking_no": "SF0000001", "lines": [{"order_line_id": "first", "quantity": 9}]},
         (400, "SHIP_QUANTITY_EXCEEDED")),
        ({"carrier_code": "SF", "tracking_no": "SF0000001", "lines": []}, (422, "VALIDATION_ERROR")),
        ({"carrier_code": "SF", "tracking_no": "SF0000001", "lines": [{"order_line_id": "first", "quantity": 0}]},
         (422, "VALIDATION_ERROR")),
    ],
)  # fmt: skip
def test_ship_refusals(staff_api, paid, body, expected):
    first = paid.lines.order_by("id").first()
    for line in body.get("lines") or []:
        line["order_line_id"] = first.id
    assert codes(staff_api.post(f"{ORDERS}/{paid.id}/shipments", body)) == expected
    assert not Shipment.objects.exists()


def test_ship_conflicts(staff_api, paid, buyer, sku):
    unpaid = place_order(buyer, (sku.id, 1))
    assert codes(
        staff_api.post(f"{ORDERS}/{unpaid.id}/shipments", {"carrier_code": "SF", "tracking_no": "SF0000001"})
    ) == (
        409,
        "ORDER_NOT_SHIPPABLE",
    )
    staff_api.post(f"{ORDERS}/{paid.id}/shipments", {"carrier_code": "SF", "tracking_no": "SF0000001"})
    other = mark_paid(place_order(buyer, (sku.id, 1)))
    response = staff_api.post(f"{ORDERS}/{other.id}/shipments", {"carrier_code": "SF", "tracking_no": "SF0000001"})
    assert codes(response) == (409, "SHIPMENT_DUPLICATE")
    assert response.json()["field"] == "tracking_no"
    assert codes(staff_api.post(f"{ORDERS}/999/shipments", {"carrier_code": "SF", "tracking_no": "SF0000002"})) == (
        404,
        "ORDER_NOT_FOUND",
    )


def test_correct_a_tracking_number(staff_api, paid, buyer, sku):
    shipment = staff_api.post(
        f"{ORDERS}/{paid.id}/shipments", {"carrier_code": "SF", "tracking_no": "SF0000001"}
    ).json()

    response = staff_api.patch(f"{ORDERS}/{paid.id}/shipments/{shipment['id']}", {"tracking_no": "SF0000002"})

    assert response.status_code == 200
    assert (response.json()["carrier_code"], response.json()["tracking_no"]) == ("SF", "SF0000002")
    assert paid.events.last().type == "shipment_updated"
    other = place_order(buyer, (sku.id, 1))
    assert codes(staff_api.patch(f"{ORDERS}/{other.id}/shipments/{shipment['id']}", {"tracking_no": "SF0000003"})) == (
        404,
        "SHIPMENT_NOT_FOUND",
    )


def test_retry_wechat_upload(staff_api, paid, staff):
    shipment = order_ship(order_id=paid.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)
    response = staff_api.post(f"{ORDERS}/{paid.id}/shipments/{shipment.id}/wechat-upload")
    assert response.status_code == 200
    assert (response.json()["wechat_upload"], response.json()["wechat_upload_label"]) == ("uploaded", "已上传")


def test_cancel_only_unpaid_orders(staff_api, paid, buyer, sku, staff):
    unpaid = place_order(buyer, (sku.id, 1))

    response = staff_api.post(f"{ORDERS}/{unpaid.id}/cancel", {"reason": "买家电话要求取消"})

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    event = unpaid.events.last()
    assert (event.type, event.actor, event.note) == ("cancelled", staff, "买家电话要求取消")
    assert codes(staff_api.post(f"{ORDERS}/{paid.id}/cancel")) == (409, "ORDER_NOT_CANCELLABLE")


def test_carriers(staff_api):
    response = staff_api.get("/api/v1/admin/carriers")
    assert response.status_code == 200
    assert {"code": "SF", "name": "顺丰速运"} in response.json()
