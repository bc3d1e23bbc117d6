"""拼团 over HTTP: a shopper opens, shares and joins; a group's page masks the other members; the
operator creates, lists, updates, pauses and reports; errors come back with stable codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution.network.enrolment import distributor_create
from fenxiao.promotions.models import GroupBuyActivity
from tests.order_support import mark_paid
from tests.promotions.group_buy.support import make_activity, shopper
from tests.support import Api

pytestmark = pytest.mark.django_db


def api_for(user) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="user").access)


def activity_body(sku, **fields) -> dict:
    now = timezone.now()
    return {
        "name": "两人拼",
        "sku_id": sku.id,
        "group_size": 2,
        "group_price_fen": 6_600,
        "leader_price_fen": 5_500,
        "time_limit_minutes": 120,
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        **fields,
    }


def test_open_share_and_join_through_the_api(sku, commit):
    activity = make_activity(sku, group_size=2)
    leader = shopper("leader", "王小明")
    distributor_create(user_id=leader.id, source="apply", real_name="王小明", phone="13800138000")
    friend = shopper("friend", "李雷")
    leader_api, friend_api = api_for(leader), api_for(friend)

    listed = leader_api.get("/api/v1/group-buy").json()
    assert [a["id"] for a in listed] == [activity.pk] and listed[0]["state"] == "on_sale"
    opened = leader_api.post(f"/api/v1/group-buy/{activity.pk}/groups", {"quantity": 1})
    assert opened.status_code == 201, opened.json()
    body = opened.json()
    group_id = body["group"]["id"]
    assert (body["order"]["lines"][0]["paid_fen"], body["order"]["discount_fen"]) == (4_900, 5_100)
    assert body["order"]["hold"] == "group_buy" and body["order"]["hold_label"] == "拼团中，成团后发货"
    assert body["group"]["status"] == "opening"
    early = friend_api.post(f"/api/v1/group-buy/groups/{group_id}/members", {})
    assert (early.status_code, early.json()["code"]) == (409, "GROUP_NOT_OPEN")

    with commit():
        mark_paid(leader.orders.get())
    page = leader_api.get(f"/api/v1/group-buy/groups/{group_id}").json()
    code = leader.distributor.code
    assert page["share_path"] == f"/pages/group-buy/group?group_id={group_id}&ref={code}"
    assert (page["status"], page["seats_left"], page["members"][0]["nickname"]) == ("forming", 1, "王小明")
    seen_by_friend = friend_api.get(f"/api/v1/group-buy/groups/{group_id}").json()
    assert seen_by_friend["members"][0]["nickname"] == "王**"  # masked for anyone else
    assert seen_by_friend["share_path"] == f"/pages/group-buy/group?group_id={group_id}"
    assert [g["id"] for g in friend_api.get(f"/api/v1/group-buy/{activity.pk}/groups").json()] == [group_id]

    joined = friend_api.post(f"/api/v1/group-buy/groups/{group_id}/members", {"ref": code})
    assert joined.status_code == 201, joined.json()
    assert joined.json()["order"]["lines"][0]["paid_fen"] == 5_900
    again = friend_api.post(f"/api/v1/group-buy/groups/{group_id}/members", {})
    assert (again.status_code, again.json()["code"]) == (409, "GROUP_ALREADY_JOINED")
    with commit():
        mark_paid(friend.orders.get())

    mine = friend_api.get("/api/v1/group-buy/mine").json()
    assert [(m["group"]["status"], m["member_status"]) for m in mine] == [("succeeded", "paid")]
    assert friend_api.get(f"/api/v1/orders/{friend.orders.get().pk}").json()["hold"] == ""


def test_bad_requests_get_stable_codes(sku, buyer_api):
    activity = make_activity(sku, max_quantity=2)
    missing = buyer_api.post("/api/v1/group-buy/999999/groups", {})
    assert (missing.status_code, missing.json()["code"]) == (404, "GROUP_BUY_NOT_FOUND")
    too_many = buyer_api.post(f"/api/v1/group-buy/{activity.pk}/groups", {"quantity": 3})
    assert (too_many.status_code, too_many.json()["code"]) == (400, "GROUP_BUY_QUANTITY_INVALID")
    no_group = buyer_api.get("/api/v1/group-buy/groups/999999")
    assert (no_group.status_code, no_group.json()["code"]) == (404, "GROUP_NOT_FOUND")


def test_the_operator_creates_updates_pauses_and_reports(sku, staff_api, buyer_api):
    created = staff_api.post("/api/v1/admin/group-buy-activities", activity_body(sku))
    assert created.status_code == 201, created.json()
    activity_id = created.json()["id"]
    assert created.json()["leader_price_fen"] == 5_500

    bad = staff_api.post("/api/v1/admin/group-buy-activities", activity_body(sku, group_price_fen=99_999))
    assert (bad.status_code, bad.json()["code"]) == (400, "GROUP_BUY_INVALID")
    assert "拼团价不能高于售价" in bad.json()["message"]

    patched = staff_api.patch(f"/api/v1/admin/group-buy-activities/{activity_id}", {"max_groups": 5})
    assert patched.json()["max_groups"] == 5
    listed = staff_api.get("/api/v1/admin/group-buy-activities?status=active").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == activity_id

    buyer_api.post(f"/api/v1/group-buy/{activity_id}/groups", {})
    locked = staff_api.patch(f"/api/v1/admin/group-buy-activities/{activity_id}", {"group_size": 3})
    assert (locked.status_code, locked.json()["code"]) == (409, "GROUP_BUY_TERMS_LOCKED")

    paused = staff_api.post(f"/api/v1/admin/group-buy-activities/{activity_id}/pause")
    assert paused.json()["status"] == "paused"
    refused = buyer_api.post(f"/api/v1/group-buy/{activity_id}/groups", {})
    assert (refused.status_code, refused.json()["code"]) == (409, "GROUP_BUY_PAUSED")
    assert staff_api.post(f"/api/v1/admin/group-buy-activities/{activity_id}/resume").json()["status"] == "active"

    report = staff_api.get(f"/api/v1/admin/group-buy-activities/{activity_id}/report").json()
    assert (report["groups_opened"], report["success_rate"]) == (0, "0.00%")  # one opening, not yet paid
    groups = staff_api.get(f"/api/v1/admin/group-buy-activities/{activity_id}/groups").json()
    assert [g["status"] for g in groups["items"]] == ["opening"]


def test_shoppers_cannot_reach_the_operator_api(sku, buyer_api):
    res = buyer_api.post("/api/v1/admin/group-buy-activities", activity_body(sku))
    assert res.status_code == 403
    assert not GroupBuyActivity.objects.exists()


def test_a_shopper_gets_the_activity_image_as_a_url(sku, buyer_api):
    activity = make_activity(sku, group_size=2)

    card = buyer_api.get(f"/api/v1/group-buy/{activity.pk}").json()
    listed = buyer_api.get("/api/v1/group-buy").json()

    assert card["image"].startswith("http://") and card["image"].endswith(sku.product.main_image)
    assert listed[0]["image"] == card["image"]
