"""The operator's coupon templates: create with validation, list, update, pause and resume, and
the claimed/used report."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from tests.catalog_factories import CategoryFactory, ProductFactory
from tests.order_support import place_order
from tests.promotions.coupons.support import claim, make_template
from tests.support import Api

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/coupon-templates"

FULL_REDUCTION = {
    "name": "满100减20",
    "kind": "fixed",
    "amount_fen": 2000,
    "threshold_fen": 10_000,
    "valid_days_after_claim": 7,
    "total_quantity": 500,
    "per_user_limit": 2,
}


def test_create_and_list(staff_api):
    category = CategoryFactory()
    res = staff_api.post(URL, {**FULL_REDUCTION, "scope": "categories", "category_ids": [category.pk]})
    assert res.status_code == 201, res.json()
    created = res.json()
    assert (created["label"], created["status"], created["category_ids"], created["claimed_count"]) == (
        "满100减20",
        "active",
        [category.pk],
        0,
    )
    listed = staff_api.get(URL).json()
    assert (listed["count"], [t["id"] for t in listed["items"]]) == (1, [created["id"]])


def test_create_refuses_every_broken_rule_at_once(staff_api):
    res = staff_api.post(
        URL,
        {
            **FULL_REDUCTION,
            "threshold_fen": 1000,
            "scope": "products",
            "valid_until": "2026-12-31T00:00:00+08:00",
        },
    )
    assert res.status_code == 400
    assert res.json()["code"] == "COUPON_TEMPLATE_INVALID"
    message = res.json()["message"]
    for part in ("满减券的门槛不能低于减免金额", "请选择适用商品", "请在固定有效期与领取后有效天数中选择一种"):
        assert part in message


def test_update_pause_resume(staff_api, buyer):
    t = make_template(total_quantity=10, per_user_limit=1)
    claim(buyer, t)
    product = ProductFactory()
    res = staff_api.patch(f"{URL}/{t.pk}", {"name": "改名", "scope": "products", "product_ids": [product.pk]})
    assert res.status_code == 200, res.json()
    assert (res.json()["name"], res.json()["product_ids"]) == ("改名", [product.pk])
    # switching from days-after-claim to a fixed end date clears the other rule explicitly
    res = staff_api.patch(f"{URL}/{t.pk}", {"valid_days_after_claim": None, "valid_until": "2030-01-01T00:00:00Z"})
    assert res.status_code == 200 and res.json()["valid_days_after_claim"] is None
    assert staff_api.patch(f"{URL}/{t.pk}", {"total_quantity": 1}).status_code == 200  # one claimed: enough
    t.refresh_from_db()
    assert (t.total_quantity, t.claimed_count) == (1, 1)

    assert staff_api.post(f"{URL}/{t.pk}/pause").json()["status"] == "paused"
    assert staff_api.get(URL, {"status": "paused"}).json()["count"] == 1
    assert staff_api.post(f"{URL}/{t.pk}/resume").json()["status"] == "active"
    assert staff_api.patch(f"{URL}/{t.pk + 99}", {"name": "无"}).status_code == 404


def test_total_cannot_fall_below_what_was_claimed(staff_api, buyer, other_user):
    t = make_template(total_quantity=10)
    claim(buyer, t)
    claim(other_user, t)
    res = staff_api.patch(f"{URL}/{t.pk}", {"total_quantity": 1})
    assert (res.status_code, res.json()["code"]) == (400, "COUPON_TEMPLATE_INVALID")
    assert res.json()["message"] == "发行总量不能少于已领取数量 2"


def test_report_counts_claimed_and_used(staff_api, buyer, other_user, sku):
    t = make_template(amount_fen=100, threshold_fen=100)
    used = claim(buyer, t)
    claim(other_user, t)
    place_order(buyer, (sku.id, 1), options={"coupon_id": used.pk})
    report = staff_api.get(f"{URL}/{t.pk}/report").json()
    assert report == {
        "template_id": t.pk,
        "name": "新人券",
        "status": "active",
        "total_quantity": 100,
        "claimed_count": 2,
        "used_count": 1,
        "unused_count": 1,
        "expired_count": 0,
        "users": 2,
    }


def test_shoppers_cannot_reach_the_operator_api(buyer):
    api = Api(token_pair_issue(user_id=buyer.id, scope="user").access)
    assert api.get(URL).status_code in (401, 403)
    assert User.objects.filter(is_staff=True).count() == 0
