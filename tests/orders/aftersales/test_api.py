"""After-sales through HTTP, as the mini-program and an operator's system call them."""

from __future__ import annotations

import pytest

from fenxiao.orders.models import AfterSale
from tests.catalog_factories import stock_of
from tests.order_support import place_order
from tests.orders.aftersales.support import (
    fixture_aftersale_sandbox,  # noqa: F401  (fixtures)
    lines_of,
    pay,
    ship,
)
from tests.support import Api, served_picture

pytestmark = pytest.mark.django_db(transaction=True)

PHOTO = served_picture(1)


@pytest.fixture
def paid_order(buyer, sku, sku2):
    return pay(place_order(buyer, (sku.id, 3), (sku2.id, 2)))


def _body(order, *pairs, kind="refund_only", **extra):
    lines = lines_of(order)
    return {
        "kind": kind,
        "reason": "拍错了",
        "lines": [{"order_line_id": lines[i].id, "quantity": q} for i, q in pairs],
        **extra,
    }


def _create(api: Api, order, *pairs, **kw):
    return api.post(f"/api/v1/orders/{order.id}/after-sales", _body(order, *pairs, **kw))


# --- shopper ---------------------------------------------------------------------------------------


def test_buyer_asks_and_the_server_computes_the_amount(buyer_api, paid_order):
    first, second = lines_of(paid_order)

    r = _create(buyer_api, paid_order, (0, 1), (1, 2), description="颜色不对", photos=[PHOTO], refund_fen=1)

    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "requested"
    assert body["status_label"] == "待审核"
    assert body["kind_label"] == "仅退款"
    assert body["order_no"] == paid_order.order_no
    assert body["refund_fen"] == 3990 + 2500  # the client's refund_fen is ignored
    assert (body["goods_refund_fen"], body["shipping_refund_fen"]) == (6490, 0)
    assert [(ln["order_line_id"], ln["quantity"], ln["refund_fen"]) for ln in body["lines"]] == [
        (first.id, 1, 3990),
        (second.id, 2, 2500),
    ]
    assert body["photos"] == [PHOTO]
    assert body["description"] == "颜色不对"
    assert (body["can_cancel"], body["can_ship_return"], body["refund"]) == (True, False, None)
    assert [(t["type"], t["label"], t["status"]) for t in body["timeline"]] == [
        ("after_sale_requested", "提交售后申请", "requested")
    ]


def test_asking_needs_a_login(paid_order):
    r = _create(Api(), paid_order, (0, 1))

    assert r.status_code == 401
    assert r.json()["code"] == "UNAUTHORIZED"


def test_someone_elses_order_is_not_found(other_api, paid_order):
    r = _create(other_api, paid_order, (0, 1))

    assert r.status_code == 404
    assert r.json()["code"] == "ORDER_NOT_FOUND"
    assert AfterSale.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"photos": [PHOTO] * 10}, "photos"),
        ({"photos": ["javascript:alert(1)"]}, "photos.0"),
        ({"kind": "exchange"}, "kind"),
        ({"reason": "   "}, "reason"),
        ({"lines": []}, "lines"),
    ],
)
def test_bad_requests_are_refused_with_the_field(buyer_api, paid_order, extra, field):
    r = buyer_api.post(f"/api/v1/orders/{paid_order.id}/after-sales", {**_body(paid_order, (0, 1)), **extra})

    assert r.status_code == 422
    assert r.json()["code"] == "VALIDATION_ERROR"
    assert r.json()["field"] == field


def test_a_picture_not_uploaded_to_the_mall_is_refused(buyer_api, paid_order):
    r = _create(buyer_api, paid_order, (0, 1), photos=["https://img.example.com/as/1.jpg"])

    assert (r.status_code, r.json()["code"], r.json()["field"]) == (400, "AFTER_SALE_PHOTO_FOREIGN", "photos")
    assert AfterSale.objects.count() == 0


def test_more_units_than_bought_is_refused(buyer_api, paid_order):
    r = _create(buyer_api, paid_order, (0, 4))

    assert r.status_code == 400
    assert r.json() == {
        "code": "AFTER_SALE_QUANTITY_EXCEEDED", "message": r.json()["message"], "field": "lines",
    }  # fmt: skip
    assert "售后数量超过可退数量" in r.json()["message"]


def test_returning_unshipped_goods_is_refused_and_a_line_takes_one_request(buyer_api, paid_order):
    r = _create(buyer_api, paid_order, (0, 1), kind="return_refund")
    assert (r.status_code, r.json()["code"]) == (400, "AFTER_SALE_RETURN_NOT_SHIPPED")

    assert _create(buyer_api, paid_order, (0, 1)).status_code == 201
    r = _create(buyer_api, paid_order, (0, 1))
    assert (r.status_code, r.json()["code"]) == (409, "AFTER_SALE_IN_PROGRESS")


def test_buyer_lists_and_reads_only_their_own(buyer_api, other_api, other_user, paid_order, sku):
    mine = _create(buyer_api, paid_order, (0, 1)).json()
    theirs_order = pay(place_order(other_user, (sku.id, 1)))
    theirs = _create(other_api, theirs_order, (0, 1)).json()

    page = buyer_api.get("/api/v1/after-sales").json()
    assert [a["id"] for a in page["items"]] == [mine["id"]]
    assert (page["count"], page["page"], page["page_size"]) == (1, 1, 10)
    assert buyer_api.get("/api/v1/after-sales", {"status": "open"}).json()["count"] == 1
    assert buyer_api.get("/api/v1/after-sales", {"status": "refunded"}).json()["count"] == 0
    r = buyer_api.get("/api/v1/after-sales", {"status": "nonsense"})
    assert (r.status_code, r.json()["code"]) == (400, "AFTER_SALE_STATUS_INVALID")

    assert buyer_api.get(f"/api/v1/after-sales/{mine['id']}").json()["after_sale_no"] == mine["after_sale_no"]
    r = buyer_api.get(f"/api/v1/after-sales/{theirs['id']}")
    assert (r.status_code, r.json()["code"]) == (404, "AFTER_SALE_NOT_FOUND")
    r = buyer_api.post(f"/api/v1/after-sales/{theirs['id']}/cancel")
    assert (r.status_code, r.json()["code"]) == (404, "AFTER_SALE_NOT_FOUND")


def test_buyer_cancels_once(buyer_api, paid_order):
    created = _create(buyer_api, paid_order, (0, 1)).json()

    r = buyer_api.post(f"/api/v1/after-sales/{created['id']}/cancel")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["can_cancel"]) == ("cancelled", False)

    r = buyer_api.post(f"/api/v1/after-sales/{created['id']}/cancel")
    assert (r.status_code, r.json()["code"]) == (409, "AFTER_SALE_NOT_CANCELLABLE")


def test_return_and_refund_end_to_end(buyer_api, staff_api, staff, paid_order, sku):
    ship(paid_order, staff)
    created = _create(buyer_api, paid_order, (0, 2), kind="return_refund").json()
    url = f"/api/v1/after-sales/{created['id']}"

    r = buyer_api.post(f"{url}/return-shipment", {"carrier_code": "SF", "tracking_no": "SF1234567"})
    assert (r.status_code, r.json()["code"]) == (409, "AFTER_SALE_NOT_AWAITING_RETURN")  # not approved yet

    r = staff_api.post(f"/api/v1/admin/after-sales/{created['id']}/approve")
    assert (r.status_code, r.json()["status"]) == (200, "awaiting_return")
    assert buyer_api.get(url).json()["can_ship_return"] is True

    r = buyer_api.post(
        f"{url}/return-shipment", {"carrier_code": "SF", "carrier_name": "顺丰速运", "tracking_no": "SF1234567"}
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["return_carrier_name"], r.json()["return_tracking_no"]) == (
        "return_shipped", "顺丰速运", "SF1234567",
    )  # fmt: skip

    sku.refresh_from_db()
    stock = stock_of(sku)
    r = staff_api.post(f"/api/v1/admin/after-sales/{created['id']}/receive-return", {"restock": True})
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["restocked"]) == ("refunded", True)
    assert body["refund"]["status"] == "succeeded"
    assert body["refund"]["amount_fen"] == created["refund_fen"] == 2 * 3990
    sku.refresh_from_db()
    assert stock_of(sku) == stock + 2

    r = staff_api.post(f"/api/v1/admin/after-sales/{created['id']}/receive-return", {"restock": True})
    assert (r.status_code, r.json()["code"]) == (409, "AFTER_SALE_RETURN_NOT_RECEIVABLE")
    sku.refresh_from_db()
    assert stock_of(sku) == stock + 2

    detail = buyer_api.get(url).json()
    assert [t["label"] for t in detail["timeline"]] == [
        "提交售后申请", "平台审核通过", "买家已寄回商品", "平台已收到退货", "退款成功",
    ]  # fmt: skip
    assert detail["refunded_at"] is not None


# --- operator --------------------------------------------------------------------------------------


def test_operator_endpoints_need_a_staff_token(buyer_api, paid_order):
    created = _create(buyer_api, paid_order, (0, 1)).json()

    assert Api().get("/api/v1/admin/after-sales").status_code == 401
    for method, path in [
        ("get", "/api/v1/admin/after-sales"),
        ("get", f"/api/v1/admin/after-sales/{created['id']}"),
        ("post", f"/api/v1/admin/after-sales/{created['id']}/approve"),
    ]:
        r = getattr(buyer_api, method)(path)
        assert (r.status_code, r.json()["code"]) == (403, "STAFF_ONLY"), path
    assert AfterSale.objects.get().status == "requested"


def test_operator_lists_filters_and_reads(buyer_api, staff_api, paid_order, buyer):
    first = _create(buyer_api, paid_order, (0, 1)).json()
    second = _create(buyer_api, paid_order, (1, 1)).json()
    staff_api.post(f"/api/v1/admin/after-sales/{second['id']}/reject", {"reason": "请上传凭证"})

    page = staff_api.get("/api/v1/admin/after-sales", {"page_size": 1}).json()
    assert (page["count"], len(page["items"]), page["items"][0]["id"]) == (2, 1, second["id"])
    assert page["items"][0]["buyer_name"] == buyer.display_name
    requested = staff_api.get("/api/v1/admin/after-sales", {"status": "requested"}).json()
    assert [a["id"] for a in requested["items"]] == [first["id"]]
    found = staff_api.get("/api/v1/admin/after-sales", {"q": paid_order.order_no}).json()
    assert found["count"] == 2
    assert staff_api.get("/api/v1/admin/after-sales", {"q": "无此单号"}).json()["count"] == 0

    detail = staff_api.get(f"/api/v1/admin/after-sales/{second['id']}").json()
    assert (detail["status"], detail["reject_reason"], detail["handled_by"]) == ("rejected", "请上传凭证", "operator")
    r = staff_api.get("/api/v1/admin/after-sales/999999")
    assert (r.status_code, r.json()["code"]) == (404, "AFTER_SALE_NOT_FOUND")


def test_operator_approves_a_refund_once(buyer_api, staff_api, paid_order):
    created = _create(buyer_api, paid_order, (0, 3), (1, 2)).json()

    r = staff_api.post(f"/api/v1/admin/after-sales/{created['id']}/approve")

    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "refunded"
    assert body["refund"]["status"] == "succeeded"
    assert body["refund"]["out_refund_no"].startswith("R")
    order = buyer_api.get(f"/api/v1/orders/{paid_order.id}").json()
    assert (order["status"], order["refunded_fen"]) == ("closed", order["paid_fen"])

    r = staff_api.post(f"/api/v1/admin/after-sales/{created['id']}/approve")
    assert (r.status_code, r.json()["code"]) == (409, "AFTER_SALE_NOT_APPROVABLE")
    r = staff_api.post(f"/api/v1/admin/after-sales/{created['id']}/retry-refund")
    assert (r.status_code, r.json()["code"]) == (409, "AFTER_SALE_NOT_RETRYABLE")
    r = staff_api.post(f"/api/v1/admin/after-sales/{created['id']}/reject", {"reason": "晚了"})
    assert (r.status_code, r.json()["code"]) == (409, "AFTER_SALE_NOT_REJECTABLE")


def test_reject_needs_a_reason(buyer_api, staff_api, paid_order):
    created = _create(buyer_api, paid_order, (0, 1)).json()
    url = f"/api/v1/admin/after-sales/{created['id']}/reject"

    r = staff_api.post(url, {"reason": " "})
    assert (r.status_code, r.json()["field"]) == (422, "reason")

    r = staff_api.post(url, {"reason": "超出售后范围"})
    assert (r.status_code, r.json()["status"], r.json()["reject_reason"]) == (200, "rejected", "超出售后范围")
    assert buyer_api.get(f"/api/v1/after-sales/{created['id']}").json()["reject_reason"] == "超出售后范围"
