"""Shipping paid orders on the database: whole or in parcels, the limits, the events, corrections."""

from __future__ import annotations

import pytest
from django.db import transaction

from fenxiao.core.errors import Conflict, DomainError, NotFound
from fenxiao.orders.locks import lock_order
from fenxiao.orders.models import AfterSale, AfterSaleLine, OrderLine, OrderStatus, Shipment
from fenxiao.orders.services import order_confirm_receipt
from fenxiao.orders.shipping.shipments import order_ship, order_shipping_settle, shipment_update, tracking_no_clean
from tests.order_support import mark_paid, place_order


@pytest.fixture
def order(buyer, sku, sku2):
    """Paid: 2 × sku, 1 × sku2."""
    return mark_paid(place_order(buyer, (sku.id, 2), (sku2.id, 1)))


def lines_of(order) -> list[OrderLine]:
    return list(order.lines.order_by("id"))


def test_ship_everything_moves_the_order_to_shipped(order, staff):
    # when the operator ships the whole order in one parcel
    shipment = order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="sf1234567890", lines=None)

    # then every unit has left, the order is shipped and stamped, and the event names the parcel
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.shipped_at is not None
    assert (shipment.carrier_name, shipment.tracking_no, shipment.shipped_by) == ("顺丰速运", "SF1234567890", staff)
    assert [(ln.quantity, ln.shipped_quantity) for ln in lines_of(order)] == [(2, 2), (1, 1)]
    assert sorted(shipment.lines.values_list("quantity", flat=True)) == [1, 2]
    event = order.events.last()
    assert (event.type, event.from_status, event.to_status, event.actor) == ("shipped", "paid", "shipped", staff)
    assert event.data["shipment_id"] == shipment.id
    assert event.data["tracking_no"] == "SF1234567890"
    assert {ln["quantity"] for ln in event.data["lines"]} == {1, 2}
    # paid through WeChat Pay: the shipping info waits for upload
    assert shipment.wechat_upload == Shipment.UploadState.PENDING


def test_partial_ship_then_the_rest(order, staff):
    first, second = lines_of(order)

    parcel = order_ship(order_id=order.id, by=staff, carrier_code="ZTO", tracking_no="7800001", lines=[(first.id, 1)])

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID  # still 待发货: two units wait
    assert order.shipped_at is None
    event = order.events.last()
    assert (event.type, event.to_status) == ("partially_shipped", "")
    assert event.data["lines"] == [{"order_line_id": first.id, "quantity": 1}]
    assert list(parcel.lines.values_list("order_line_id", "quantity")) == [(first.id, 1)]

    rest = order_ship(order_id=order.id, by=staff, carrier_code="ZTO", tracking_no="7800002", lines=None)

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert sorted(rest.lines.values_list("order_line_id", "quantity")) == [(first.id, 1), (second.id, 1)]
    assert list(order.events.values_list("type", flat=True))[-2:] == ["partially_shipped", "shipped"]


def test_over_shipping_is_refused_and_nothing_is_written(order, staff):
    first, second = lines_of(order)
    order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=[(first.id, 1)])

    with pytest.raises(DomainError) as err:
        order_ship(
            order_id=order.id,
            by=staff,
            carrier_code="SF",
            tracking_no="SF0000002",
            lines=[(first.id, 2), (second.id, 1)],
        )

    assert err.value.code == "SHIP_QUANTITY_EXCEEDED"
    assert "最多还能发 1 件" in err.value.message
    assert Shipment.objects.count() == 1
    assert [ln.shipped_quantity for ln in lines_of(order)] == [1, 0]


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ("empty", "SHIP_LINES_EMPTY"),
        ("foreign", "SHIP_LINE_INVALID"),
        ("dup", "SHIP_LINE_DUPLICATE"),
        ("zero", "SHIP_QUANTITY_INVALID"),
    ],
)
def test_bad_line_requests_are_refused(order, staff, lines, code):
    first = lines_of(order)[0]
    lines = {
        "empty": [],
        "foreign": [(999_999, 1)],
        "dup": [(first.id, 1), (first.id, 1)],
        "zero": [(first.id, 0)],
    }[lines]
    with pytest.raises(DomainError) as err:
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=lines)
    assert err.value.code == code
    assert not Shipment.objects.exists()


def test_a_line_of_another_order_is_refused(order, other_user, sku, staff):
    foreign = mark_paid(place_order(other_user, (sku.id, 1))).lines.get()
    with pytest.raises(DomainError) as err:
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=[(foreign.id, 1)])
    assert err.value.code == "SHIP_LINE_INVALID"


def test_a_tracking_number_is_used_once_per_carrier(order, other_user, sku, staff):
    other = mark_paid(place_order(other_user, (sku.id, 1)))
    order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF1234567", lines=None)

    with pytest.raises(Conflict) as err:
        order_ship(order_id=other.id, by=staff, carrier_code="sf", tracking_no=" sf1234567 ", lines=None)

    assert (err.value.code, err.value.status) == ("SHIPMENT_DUPLICATE", 409)
    other.refresh_from_db()
    assert other.status == OrderStatus.PAID
    # the same digits at another carrier are another parcel
    order_ship(order_id=other.id, by=staff, carrier_code="YTO", tracking_no="SF1234567", lines=None)


@pytest.mark.parametrize("status", ["pending_payment", "shipped"])
def test_only_paid_orders_ship(buyer, sku, staff, status):
    order = place_order(buyer, (sku.id, 1))
    if status == "shipped":
        mark_paid(order)
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)

    with pytest.raises(Conflict) as err:
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000002", lines=None)

    assert (err.value.code, err.value.status) == ("ORDER_NOT_SHIPPABLE", 409)


def test_unknown_order_is_not_found(db, staff):
    with pytest.raises(NotFound) as err:
        order_ship(order_id=424242, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)
    assert err.value.code == "ORDER_NOT_FOUND"


def test_unknown_carrier_is_refused(order, staff):
    with pytest.raises(DomainError) as err:
        order_ship(order_id=order.id, by=staff, carrier_code="UPS-MARS", tracking_no="SF0000001", lines=None)
    assert (err.value.code, err.value.field) == ("CARRIER_UNKNOWN", "carrier_code")


@pytest.mark.parametrize(
    "number", ["12345", "SF 1234567", "SF１２３４５６", "运单1234567", "A" * 41, "", "SF12345_67", "ＳＦ１２３４５６"]
)
def test_tracking_numbers_are_letters_digits_and_dashes(number):
    with pytest.raises(DomainError) as err:
        tracking_no_clean(number)
    assert err.value.code == "TRACKING_NO_INVALID"


@pytest.mark.parametrize(("number", "clean"), [("jd0001-2", "JD0001-2"), (" 123456 ", "123456"), ("A" * 40, "A" * 40)])
def test_tracking_numbers_are_stored_upper_case(number, clean):
    assert tracking_no_clean(number) == clean


def test_refunded_units_are_not_shipped_and_do_not_hold_the_order(order, staff):
    first, _ = lines_of(order)
    OrderLine.objects.filter(pk=first.pk).update(refunded_quantity=1)  # as a finished refund leaves it

    shipment = order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert sorted(shipment.lines.values_list("quantity", flat=True)) == [1, 1]


def test_units_under_an_open_after_sale_wait(order, buyer, staff):
    first, _ = lines_of(order)
    after_sale = AfterSale.objects.create(
        after_sale_no="AS1", order=order, buyer=buyer, kind="refund_only", reason="不想要了", refund_fen=3990
    )
    AfterSaleLine.objects.create(after_sale=after_sale, order_line=first, quantity=1, refund_fen=3990)

    order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert [ln.shipped_quantity for ln in lines_of(order)] == [1, 1]
    with pytest.raises(DomainError) as err:
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000002", lines=None)
    assert err.value.code == "NOTHING_TO_SHIP"


def test_refunding_the_last_unshipped_units_completes_shipping(order, staff):
    first, second = lines_of(order)
    order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=[(first.id, 2)])
    OrderLine.objects.filter(pk=second.pk).update(refunded_quantity=1)

    with transaction.atomic():
        moved = order_shipping_settle(order=lock_order(order.id))

    order.refresh_from_db()
    assert moved is True
    assert order.status == OrderStatus.SHIPPED
    assert order.events.last().type == "shipped"


def test_correcting_a_tracking_number_leaves_an_event(order, staff):
    shipment = order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)

    updated = shipment_update(shipment_id=shipment.id, by=staff, carrier_code="JD", tracking_no="jdva0000001")

    assert (updated.carrier_code, updated.carrier_name, updated.tracking_no) == ("JD", "京东物流", "JDVA0000001")
    event = order.events.last()
    assert (event.type, event.actor) == ("shipment_updated", staff)
    assert event.data["before"]["tracking_no"] == "SF0000001"
    assert event.data["after"] == {"carrier_code": "JD", "carrier_name": "京东物流", "tracking_no": "JDVA0000001"}
    # the corrected info goes to WeChat again
    assert updated.wechat_upload == Shipment.UploadState.PENDING


def test_a_correction_that_changes_nothing_writes_nothing(order, staff):
    shipment = order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)
    events = order.events.count()

    shipment_update(shipment_id=shipment.id, by=staff, tracking_no="sf0000001")

    assert order.events.count() == events


def test_a_correction_cannot_take_another_parcels_number(order, staff):
    first = lines_of(order)[0]
    order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=[(first.id, 2)])
    other = order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000002", lines=None)

    with pytest.raises(Conflict) as err:
        shipment_update(shipment_id=other.id, by=staff, tracking_no="SF0000001")

    assert err.value.code == "SHIPMENT_DUPLICATE"


def test_no_correction_after_receipt(order, buyer, staff):
    shipment = order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)
    order_confirm_receipt(order_id=order.id, by=buyer)

    with pytest.raises(Conflict) as err:
        shipment_update(shipment_id=shipment.id, by=staff, tracking_no="SF0000009")

    assert err.value.code == "SHIPMENT_NOT_EDITABLE"


def test_correcting_an_unknown_shipment_is_not_found(db, staff):
    with pytest.raises(NotFound) as err:
        shipment_update(shipment_id=999, by=staff, tracking_no="SF0000009")
    assert err.value.code == "SHIPMENT_NOT_FOUND"
