"""Complaints through the JSON API: the shopper files, lists and reads their own (someone else's is
a 404); the operator lists the queue, replies and resolves with a staff token and the permission."""

from __future__ import annotations

import pytest

from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import SkuFactory
from tests.order_support import place_order
from tests.support import Api, assert_error

pytestmark = pytest.mark.django_db


def test_shopper_files_about_a_distributor_by_code_and_reads_the_operators_reply(shopper_api, seller, operator_api):
    # given a shopper, when they complain about the distributor whose code they were shared
    response = shopper_api.post(
        "/api/v1/complaints",
        {"category": "recruiting", "content": "要求先交 999 元才能做分销", "distributor_code": seller.code.lower()},
    )
    # then the complaint is filed against that distributor
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["distributor_code"] == seller.code and body["status"] == "open" and body["replies"] == []
    assert body["category_label"] == "拉人头/收取入门费"
    complaint_id = body["id"]

    # when the operator replies and resolves it
    reply = operator_api.post(f"/api/v1/admin/complaints/{complaint_id}/reply", {"content": "已核实，正在处理"})
    assert reply.status_code == 200 and reply.json()["status"] == "replied"
    done = operator_api.post(
        f"/api/v1/admin/complaints/{complaint_id}/resolve", {"outcome": "resolved", "resolution": "已暂停该分销商"}
    )
    assert done.json()["status"] == "resolved"

    # then the shopper reads both in their complaint, and sees it in their list
    detail = shopper_api.get(f"/api/v1/complaints/{complaint_id}").json()
    assert [r["content"] for r in detail["replies"]] == ["已核实，正在处理"]
    assert detail["resolution"] == "已暂停该分销商" and detail["status_label"] == "已解决"
    mine = shopper_api.get("/api/v1/complaints/mine").json()
    assert mine["count"] == 1 and mine["items"][0]["id"] == complaint_id
    assert AuditEntry.objects.filter(target_type="complaint").count() == 3


def test_shopper_files_about_an_own_order_only(shopper, shopper_api, stranger_api):
    sku = SkuFactory(price_fen=1_000, stock=10, weight_g=100)
    order = place_order(shopper, (sku.id, 1))
    body = {"category": "product", "content": "商品有破损", "order_id": order.id}
    assert_error(stranger_api.post("/api/v1/complaints", body), 404, "COMPLAINT_ORDER_NOT_FOUND")
    created = shopper_api.post("/api/v1/complaints", body)
    assert created.status_code == 201 and created.json()["order_no"] == order.order_no
    # someone else's complaint is not found, and not in their list
    assert_error(stranger_api.get(f"/api/v1/complaints/{created.json()['id']}"), 404, "COMPLAINT_NOT_FOUND")
    assert stranger_api.get("/api/v1/complaints/mine").json()["count"] == 0


def test_shopper_errors(shopper_api):
    assert_error(
        shopper_api.post("/api/v1/complaints", {"category": "other", "content": "x", "distributor_code": "NOPE"}),
        400,
        "COMPLAINT_DISTRIBUTOR_NOT_FOUND",
    )
    assert_error(
        shopper_api.post("/api/v1/complaints", {"category": "other", "content": "x"}), 400, "COMPLAINT_TARGET_REQUIRED"
    )
    assert shopper_api.post("/api/v1/complaints", {"category": "bribery", "content": "x"}).status_code == 422
    assert Api().get("/api/v1/complaints/mine").status_code == 401
    categories = Api().get("/api/v1/complaints/categories").json()
    assert {"value": "other", "label": "其他"} in categories


def test_operator_queue_needs_staff_and_the_permission(shopper_api, seller, operator_api, clerk_api):
    shopper_api.post(
        "/api/v1/complaints", {"category": "harassment", "content": "天天打电话", "distributor_code": seller.code}
    )
    listed = operator_api.get("/api/v1/admin/complaints", {"status": "open"}).json()
    assert listed["count"] == 1 and listed["items"][0]["overdue"] is False
    assert listed["items"][0]["distributor_user_id"] == seller.user_id
    complaint_id = listed["items"][0]["id"]
    assert_error(shopper_api.get("/api/v1/admin/complaints"), 403, "STAFF_ONLY")
    assert_error(clerk_api.get("/api/v1/admin/complaints"), 403, "COMPLAINT_FORBIDDEN")
    assert_error(
        clerk_api.post(f"/api/v1/admin/complaints/{complaint_id}/reply", {"content": "x"}), 403, "COMPLAINT_FORBIDDEN"
    )
    assert_error(operator_api.get("/api/v1/admin/complaints", {"status": "nope"}), 400, "COMPLAINT_STATUS_INVALID")
    assert_error(
        operator_api.post("/api/v1/admin/complaints/999999/reply", {"content": "x"}), 404, "COMPLAINT_NOT_FOUND"
    )
    operator_api.post(
        f"/api/v1/admin/complaints/{complaint_id}/resolve", {"outcome": "rejected", "resolution": "不属实"}
    )
    assert_error(
        operator_api.post(f"/api/v1/admin/complaints/{complaint_id}/reply", {"content": "x"}), 409, "COMPLAINT_CLOSED"
    )
