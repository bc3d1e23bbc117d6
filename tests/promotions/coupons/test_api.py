"""The coupon centre API: what can be claimed, claiming with the errors' codes, and the shopper's
coupons by status."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fenxiao.promotions.coupons.templates import coupon_template_pause
from fenxiao.promotions.models import UserCoupon
from tests.order_support import place_order
from tests.promotions.coupons.support import claim, days, make_template

pytestmark = pytest.mark.django_db


def test_centre_lists_claimable_templates_with_what_the_shopper_holds(buyer, buyer_api):
    shown = make_template(name="满减券", per_user_limit=2)
    paused = make_template(name="已暂停")
    coupon_template_pause(template_id=paused.pk)
    make_template(name="已结束", valid_days_after_claim=None, valid_until=timezone.now() - days(1))
    claim(buyer, shown)

    res = buyer_api.get("/api/v1/coupons")
    assert res.status_code == 200
    assert [
        (c["id"], c["label"], c["held"], c["per_user_limit"], c["remaining"], c["can_claim"]) for c in res.json()
    ] == [(shown.pk, "满100减20", 1, 2, 99, True)]


def test_claim_and_its_refusals(buyer_api, buyer):
    template = make_template(total_quantity=5)
    res = buyer_api.post("/api/v1/coupons", {"template_id": template.pk})
    assert res.status_code == 201
    body = res.json()
    assert (body["status"], body["template"]["id"], body["template"]["label"]) == ("unused", template.pk, "满100减20")
    assert UserCoupon.objects.get(pk=body["id"]).user == buyer

    again = buyer_api.post("/api/v1/coupons", {"template_id": template.pk})
    assert (again.status_code, again.json()["code"]) == (409, "COUPON_LIMIT_REACHED")
    missing = buyer_api.post("/api/v1/coupons", {"template_id": template.pk + 999})
    assert (missing.status_code, missing.json()["code"]) == (404, "COUPON_TEMPLATE_NOT_FOUND")
    assert buyer_api.get("/api/v1/coupons").json()[0]["can_claim"] is False


def test_sold_out_and_paused(buyer_api, other_user):
    gone = make_template(total_quantity=1)
    claim(other_user, gone)
    res = buyer_api.post("/api/v1/coupons", {"template_id": gone.pk})
    assert (res.status_code, res.json()["code"], res.json()["message"]) == (409, "COUPON_SOLD_OUT", "优惠券已被领完")
    paused = make_template()
    coupon_template_pause(template_id=paused.pk)
    res = buyer_api.post("/api/v1/coupons", {"template_id": paused.pk})
    assert (res.status_code, res.json()["code"]) == (409, "COUPON_NOT_CLAIMABLE")


def test_mine_by_status(buyer, buyer_api, other_user, sku):
    unused = claim(buyer, make_template(name="未用"))
    used = claim(buyer, make_template(name="已用", amount_fen=100, threshold_fen=100))
    order = place_order(buyer, (sku.id, 1), options={"coupon_id": used.pk})
    expired = claim(buyer, make_template(name="过期", valid_days_after_claim=1))
    UserCoupon.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - days(1))
    claim(other_user, make_template(name="别人的"))

    def ids(status):
        res = buyer_api.get("/api/v1/coupons/mine", {"status": status})
        assert res.status_code == 200
        return [(c["id"], c["status"]) for c in res.json()]

    assert ids("unused") == [(unused.pk, "unused")]
    assert ids("used") == [(used.pk, "used")]
    assert buyer_api.get("/api/v1/coupons/mine", {"status": "used"}).json()[0]["used_order_id"] == order.pk
    assert ids("expired") == [(expired.pk, "expired")]
    assert buyer_api.get("/api/v1/coupons/mine", {"status": "lost"}).status_code == 422


def test_usable_needs_well_formed_lines(buyer_api, sku):
    res = buyer_api.get("/api/v1/coupons/usable", {"lines": ["oops"]})
    assert (res.status_code, res.json()["code"]) == (400, "LINES_INVALID")


def test_the_centre_needs_a_login(db):
    from tests.support import Api

    assert Api().get("/api/v1/coupons").status_code == 401
