"""The shopper's parcels and their tracking timeline, through the API; time moves with
time-machine, never with sleep."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.orders.shipping.providers import tracking_provider
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.orders.shipping.tracking import CARRIERS, SandboxTrackingProvider, carrier_get
from tests.order_support import mark_paid, place_order
from tests.support import Api

SHIPPED_AT = timezone.datetime(2026, 11, 25, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture
def shipped(buyer, sku, sku2, staff):
    """Shipped at SHIPPED_AT in two parcels: 2 × sku by SF, then 1 × sku2 by ZTO."""
    with time_machine.travel(SHIPPED_AT, tick=False):
        order = mark_paid(place_order(buyer, (sku.id, 2), (sku2.id, 1)))
        first, _ = order.lines.order_by("id")
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF1001", lines=[(first.id, 2)])
        order_ship(order_id=order.id, by=staff, carrier_code="ZTO", tracking_no="ZTO1002", lines=None)
    return order


def url(order) -> str:
    return f"/api/v1/orders/{order.id}/shipments"


def shipments_at(user, order, at):
    """The buyer's view at ``at``, with a token issued then (tokens expire; time travels)."""
    with time_machine.travel(at, tick=False):
        return Api(token_pair_issue(user_id=user.id, scope="user").access).get(url(order))


def test_buyer_sees_each_parcel_with_its_goods(buyer, shipped):
    response = shipments_at(buyer, shipped, SHIPPED_AT + timedelta(hours=2))

    assert response.status_code == 200
    first, second = response.json()
    first_line, second_line = shipped.lines.order_by("id")
    assert (first["carrier_code"], first["carrier_name"], first["tracking_no"]) == ("SF", "顺丰速运", "SF1001")
    assert first["lines"] == [
        {
            "order_line_id": first_line.id,
            "title": first_line.product_title,
            "specs": first_line.sku_specs,
            "image": first["lines"][0]["image"],
            "quantity": 2,
        }
    ]
    assert first["lines"][0]["image"].startswith("http")
    assert [ln["quantity"] for ln in second["lines"]] == [1]
    assert second["lines"][0]["order_line_id"] == second_line.id
    # two hours after shipping: collected, nothing more yet
    assert [e["status"] for e in first["events"]] == ["collected"]
    assert (first["status"], first["status_label"]) == ("collected", "已揽收")


def test_another_users_order_is_not_found(other_api, shipped):
    response = other_api.get(url(shipped))
    assert response.status_code == 404
    assert response.json()["code"] == "ORDER_NOT_FOUND"


def test_anonymous_is_asked_to_log_in(shipped):
    assert Api().get(url(shipped)).status_code == 401


def test_an_unshipped_order_has_no_parcels(buyer, buyer_api, sku):
    order = mark_paid(place_order(buyer, (sku.id, 1)))
    response = buyer_api.get(url(order))
    assert (response.status_code, response.json()) == (200, [])


def test_the_timeline_moves_with_time_and_lists_newest_first(buyer, shipped):
    def statuses(at):
        parcel = shipments_at(buyer, shipped, at).json()[0]
        return parcel, [e["status"] for e in parcel["events"]]

    _, at_shipping = statuses(SHIPPED_AT + timedelta(minutes=10))
    assert at_shipping == []

    parcel, next_day = statuses(SHIPPED_AT + timedelta(hours=30))
    assert next_day == ["in_transit", "in_transit", "in_transit", "collected"]
    times = [e["time"] for e in parcel["events"]]
    assert times == sorted(times, reverse=True)
    assert parcel["status_label"] == "运输中"

    parcel, later = statuses(SHIPPED_AT + timedelta(days=3))
    assert later[0] == "signed"
    assert later[1] == "delivering"
    assert parcel["events"][0]["location"] == shipped.city
    assert "已签收" in parcel["events"][0]["description"]


def test_the_sandbox_timeline_is_deterministic(shipped):
    provider = tracking_provider()
    assert isinstance(provider, SandboxTrackingProvider)
    with time_machine.travel(SHIPPED_AT + timedelta(days=2), tick=False):
        once = provider.events("SF", "SF1001", "8000")
        again = provider.events("SF", "SF1001", "8000")
    assert once == again
    assert len(once) == 6
    assert provider.events("SF", "NO-SUCH-PARCEL", "8000") == []


def test_carrier_list():
    codes = {c.code: c.name for c in CARRIERS}
    assert codes["SF"] == "顺丰速运"
    assert codes["JTSDEXPRESS"] == "极兔速递"
    assert {"SF", "ZTO", "YTO", "YD", "STO", "JD", "EMS", "JTSDEXPRESS"} <= set(codes)
    assert carrier_get(" sf ").code == "SF"
