"""Coupons at checkout through the real quote and order services and APIs: the chosen or the best
coupon, exact per-line spread, refusals with codes, one use per coupon, coming back when the order
is cancelled or closed, and the lower commission base."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.extensions import deliver
from fenxiao.distribution.models import CommissionRecord
from fenxiao.orders.checkout import LineRequest, checkout_quote
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.orders.services import order_cancel
from fenxiao.promotions.coupons.errors import CouponError
from fenxiao.promotions.models import CouponTemplate, UserCouponStatus
from tests.catalog_factories import ProductFactory
from tests.distribution.support import make_distributor, make_user, paid_order
from tests.order_support import place_order
from tests.promotions.coupons.support import claim, days, make_template

pytestmark = pytest.mark.django_db


def basket(sku, sku2):
    return [{"sku_id": sku.id, "quantity": 1}, {"sku_id": sku2.id, "quantity": 1}]


def test_quote_applies_the_chosen_coupon_exactly_across_lines(buyer, buyer_api, sku, sku2):
    uc = claim(buyer, make_template())  # 满100减20
    quote = buyer_api.post("/api/v1/checkout/quote", {"lines": basket(sku, sku2), "options": {"coupon_id": uc.pk}})
    body = quote.json()
    assert quote.status_code == 200, body
    assert body["discounts"] == [{"kind": "coupon", "label": "满100减20", "amount_fen": 2000}]
    # 2000 × 10000/13333 = 1500.04 and 2000 × 3333/13333 = 499.96: the larger remainder takes the fen
    assert [ln["discount_fen"] for ln in body["lines"]] == [1500, 500]
    assert body["payable_fen"] == 13_333 - 2000


def test_without_a_choice_no_coupon_is_applied_and_best_picks_the_largest(buyer, buyer_api, sku, sku2):
    small = claim(buyer, make_template(name="小券", amount_fen=500, threshold_fen=5000))
    big = claim(buyer, make_template(name="折扣", kind="percent", amount_fen=0, percent_bps=2000, threshold_fen=0))
    plain = buyer_api.post("/api/v1/checkout/quote", {"lines": basket(sku, sku2)}).json()
    assert plain["discount_fen"] == 0
    best = buyer_api.post("/api/v1/checkout/quote", {"lines": basket(sku, sku2), "options": {"coupon": "best"}})
    assert best.json()["discount_fen"] == 13_333 * 2000 // 10_000 == 2666
    usable = buyer_api.get("/api/v1/coupons/usable", {"lines": [f"{sku.id}:1", f"{sku2.id}:1"]}).json()
    assert [(c["id"], c["discount_fen"]) for c in usable["usable"]] == [(big.pk, 2666), (small.pk, 500)]
    assert usable["unusable"] == []


@pytest.mark.parametrize(
    ("template_fields", "reason"),
    [
        ({"threshold_fen": 50_000}, "未满足使用门槛"),
        ({"scope": "products"}, "不适用于这些商品"),
    ],
)
def test_a_coupon_that_cannot_be_used_is_refused_with_the_reason(buyer, buyer_api, sku, sku2, template_fields, reason):
    # a product scope naming a product no basket line belongs to
    scope = {"product_ids": [ProductFactory().pk]} if template_fields.get("scope") == "products" else {}
    uc = claim(buyer, make_template(**template_fields, **scope))
    res = buyer_api.post("/api/v1/checkout/quote", {"lines": basket(sku, sku2), "options": {"coupon_id": uc.pk}})
    assert (res.status_code, res.json()["code"], res.json()["message"]) == (
        400,
        "COUPON_NOT_USABLE",
        f"优惠券不可用：{reason}",
    )
    usable = buyer_api.get("/api/v1/coupons/usable", {"lines": [f"{sku.id}:1", f"{sku2.id}:1"]}).json()
    assert [(c["id"], c["reason"]) for c in usable["unusable"]] == [(uc.pk, reason)]


def test_an_expired_or_someone_elses_coupon_is_refused(buyer, buyer_api, other_user, sku, sku2):
    uc = claim(buyer, make_template(valid_days_after_claim=1))
    theirs = claim(other_user, make_template())
    res = buyer_api.post("/api/v1/checkout/quote", {"lines": basket(sku, sku2), "options": {"coupon_id": theirs.pk}})
    assert (res.status_code, res.json()["code"]) == (404, "COUPON_NOT_FOUND")
    # (the API's token would expire too, so a day later is priced through the service)
    with time_machine.travel(timezone.now() + days(1)), pytest.raises(CouponError) as err:
        checkout_quote(user=buyer, lines=[LineRequest(sku.id, 1)], options={"coupon_id": uc.pk})
    assert (err.value.code, err.value.message) == ("COUPON_NOT_USABLE", "优惠券不可用：已过期")


def test_an_order_uses_the_coupon_once(buyer, buyer_api, sku, sku2):
    template = make_template()
    uc = claim(buyer, template)
    body = {"lines": basket(sku, sku2), "address_id": buyer.addresses.get().pk, "options": {"coupon_id": uc.pk}}
    res = buyer_api.post("/api/v1/orders", body)
    assert res.status_code == 201, res.json()
    order = Order.objects.get(pk=res.json()["id"])
    assert order.discount_fen == 2000 and order.payable_fen == 11_333
    assert [(ln.discount_fen, ln.paid_fen) for ln in order.lines.order_by("id")] == [(1500, 8500), (500, 2833)]
    assert order.adjustments == [
        {
            "kind": "coupon",
            "label": "满100减20",
            "amount_fen": 2000,
            "data": {"user_coupon_id": uc.pk, "template_id": template.pk, "name": "新人券"},
        }
    ]
    uc.refresh_from_db()
    template.refresh_from_db()
    assert (uc.status, uc.used_order_id, template.used_count) == ("used", order.pk, 1)

    again = buyer_api.post("/api/v1/orders", body)
    assert (again.status_code, again.json()["message"]) == (400, "优惠券不可用：已使用")
    assert Order.objects.count() == 1


def test_the_use_is_refused_inside_the_order_when_the_coupon_went_meanwhile(buyer, sku):
    """The conditional update in commit is what guards double use: the quote's read may be stale."""
    from fenxiao.promotions.coupons.claims import coupon_use
    from fenxiao.promotions.models import UserCoupon

    uc = claim(buyer, make_template())
    first, second = place_order(buyer, (sku.id, 1)), place_order(buyer, (sku.id, 1))
    coupon_use(user_coupon_id=uc.pk, user=buyer, order=first)
    with pytest.raises(CouponError) as err:
        coupon_use(user_coupon_id=uc.pk, user=buyer, order=second)
    assert (err.value.code, err.value.message) == ("COUPON_NOT_USABLE", "优惠券不可用：已使用")
    assert UserCoupon.objects.get(pk=uc.pk).used_order_id == first.pk
    assert CouponTemplate.objects.get(pk=uc.template_id).used_count == 1


def test_a_cancelled_order_gives_the_coupon_back(buyer, sku, commit):
    uc = claim(buyer, make_template())
    order = place_order(buyer, (sku.id, 1), options={"coupon_id": uc.pk})
    with commit():
        order_cancel(order_id=order.id, by=buyer)
    uc.refresh_from_db()
    assert (uc.status, uc.used_order_id, uc.used_at) == ("unused", None, None)
    assert CouponTemplate.objects.get(pk=uc.template_id).used_count == 0
    # usable again
    again = place_order(buyer, (sku.id, 1), options={"coupon_id": uc.pk})
    assert again.discount_fen == 2000


def test_a_coupon_past_its_expiry_does_not_come_back(buyer, sku, commit):
    uc = claim(buyer, make_template(valid_days_after_claim=1))
    order = place_order(buyer, (sku.id, 1), options={"coupon_id": uc.pk})
    with time_machine.travel(timezone.now() + days(2)), commit():
        order_cancel(order_id=order.id, by=buyer)
    uc.refresh_from_db()
    assert (uc.status, uc.used_order_id) == (UserCouponStatus.EXPIRED, None)


def test_a_fully_refunded_order_closed_gives_the_coupon_back_once(buyer, sku):
    """``order_closed`` is published when every unit was refunded (orders/aftersales/refunds.py)."""
    uc = claim(buyer, make_template())
    order = place_order(buyer, (sku.id, 1), options={"coupon_id": uc.pk})
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CLOSED)
    deliver("order_closed", order_id=order.id)
    deliver("order_closed", order_id=order.id)  # a replay moves nothing
    uc.refresh_from_db()
    assert uc.status == "unused"
    assert CouponTemplate.objects.get(pk=uc.template_id).used_count == 0


def test_a_coupon_lowers_the_commission_base(commit, sku, sku2):
    top = make_distributor("alice", real_name="李娜")
    mid = make_distributor("bob", under=top, real_name="王强")
    from fenxiao.distribution.network.binding import referral_bind

    shopper = make_user("carol")
    referral_bind(user_id=shopper.id, code=mid.code, source="link")
    uc = claim(shopper, make_template())
    order = paid_order(commit, shopper, (sku.id, 1), (sku2.id, 1), options={"coupon_id": uc.pk})

    assert [ln.paid_fen for ln in order.lines.order_by("id")] == [8500, 2833]
    base = sum(r.base_fen for r in CommissionRecord.objects.filter(order=order, level=1))
    assert base == 11_333
    level1 = sum(r.amount_fen for r in CommissionRecord.objects.filter(order=order, level=1))
    assert level1 == 850 + 283  # 10% of each line's paid amount, not of ¥133.33
