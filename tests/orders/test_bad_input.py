"""Input an API fuzzer sent that once reached the database or a pricing provider and answered 500:
each is now refused at the door with the validation error shape, and nothing is written."""

from __future__ import annotations

import pytest

from fenxiao.inventory.models import StockReservation
from fenxiao.orders.models import Order
from tests.catalog_factories import stock_of
from tests.support import assert_error

QUOTE = "/api/v1/checkout/quote"
ORDERS = "/api/v1/orders"


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"group_buy_member_id": "abc"}, id="member-id-text"),
        pytest.param({"group_buy_member_id": [1]}, id="member-id-list"),
        pytest.param({"coupon_id": {"id": 1}}, id="coupon-id-object"),
        pytest.param({"coupon_id": 2**63}, id="coupon-id-beyond-bigint"),
        pytest.param({"coupon": "cheapest"}, id="coupon-choice-unknown"),
        pytest.param({"group_buy_member_id": 1, "group_buy_token": "x" * 65}, id="token-too-long"),
    ],
)
def test_mistyped_promotion_options_are_refused_before_pricing(buyer_api, buyer, sku, options):
    lines = [{"sku_id": sku.id, "quantity": 1}]
    address_id = buyer.addresses.get().pk

    assert_error(buyer_api.post(QUOTE, {"lines": lines, "options": options}), 422, "VALIDATION_ERROR")
    assert_error(
        buyer_api.post(ORDERS, {"lines": lines, "address_id": address_id, "options": options}), 422, "VALIDATION_ERROR"
    )
    assert not Order.objects.exists()
    assert not StockReservation.objects.exists()
    sku.refresh_from_db()
    assert stock_of(sku) == 100


@pytest.mark.parametrize("field", ["sku_id", "address_id"])
def test_ids_beyond_what_the_database_holds_are_refused(buyer_api, buyer, sku, field):
    body = {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": buyer.addresses.get().pk}
    if field == "sku_id":
        body["lines"][0]["sku_id"] = 2**63
    else:
        body["address_id"] = 2**63

    assert_error(buyer_api.post(ORDERS, body), 422, "VALIDATION_ERROR")
    assert not Order.objects.exists()


def test_unknown_options_still_reach_pricing_providers_added_later(buyer_api, sku):
    res = buyer_api.post(QUOTE, {"lines": [{"sku_id": sku.id, "quantity": 1}], "options": {"gift_wrap": True}})

    assert res.status_code == 200, res.json()
    assert res.json()["payable_fen"] == 3990


@pytest.mark.parametrize(
    "query",
    ["date_to=9999-12-31", "date_from=9999-12-31", "date_from=0001-01-01", "buyer_id=9223372036854775808"],
)
def test_operator_order_filters_out_of_range_are_refused(staff_api, query):
    assert_error(staff_api.get(f"/api/v1/admin/orders?{query}"), 422, "VALIDATION_ERROR")


def test_operator_order_filter_accepts_the_last_day_it_can_represent(staff_api, buyer_api, buyer, sku):
    placed = buyer_api.post(
        ORDERS, {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": buyer.addresses.get().pk}
    )
    assert placed.status_code == 201

    res = staff_api.get("/api/v1/admin/orders?date_from=1900-01-01&date_to=9998-12-31")

    assert res.status_code == 200, res.json()
    assert [o["order_no"] for o in res.json()["items"]] == [placed.json()["order_no"]]
