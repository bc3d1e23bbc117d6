"""After-sales through the services, with money moving through the WeChat Pay sandbox: amounts
exact to the fen, the order closing when everything went back, stock coming back once, and every
refusal with its code."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import Conflict, NotFound
from fenxiao.inventory.models import StockMovement
from fenxiao.orders.aftersales.buyer_steps import aftersale_cancel, aftersale_ship_return
from fenxiao.orders.aftersales.review import aftersale_approve, aftersale_receive_return, aftersale_reject
from fenxiao.orders.errors import AfterSaleError
from fenxiao.orders.models import AfterSaleStatus, OrderStatus, ShippingRule, ShippingTemplate
from fenxiao.payments.models import Refund, RefundStatus
from tests.catalog_factories import stock_of
from tests.order_support import place_order
from tests.orders.aftersales.support import (  # noqa: F401
    ask,
    fixture_aftersale_sandbox,
    fixture_coupon,
    fixture_published,
    lines_of,
    pay,
    receive,
    ship,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shipping_800(db):
    template = ShippingTemplate.objects.create(name="全国 8 元", is_default=True)
    ShippingRule.objects.create(template=template, first_units=1, first_fen=800, extra_units=1, extra_fen=0)
    return template


def _stock(sku) -> int:
    sku.refresh_from_db()
    return stock_of(sku)


# --- amounts --------------------------------------------------------------------------------------


def test_partial_refund_is_exact_to_the_fen_on_a_discounted_multi_line_order(
    buyer, staff, sku, sku2, coupon, published
):
    # given 3 × 39.90 and 2 × 12.50 with 10.00 off spread over the lines (8.27 and 1.73)
    order = pay(place_order(buyer, (sku.id, 3), (sku2.id, 2)))
    first, second = lines_of(order)
    assert (first.paid_fen, second.paid_fen, order.paid_fen) == (11143, 2327, 13470)

    # when one unit of each line is refunded
    after_sale = ask(order, (first, 1), (second, 1))
    assert [(ln.quantity, ln.refund_fen) for ln in after_sale.lines.order_by("order_line_id")] == [(1, 3714), (1, 1163)]
    assert after_sale.refund_fen == 3714 + 1163
    after_sale = aftersale_approve(after_sale_id=after_sale.id, by=staff)

    # then exactly that went back, per line and on the order, and the order stays open
    assert after_sale.status == AfterSaleStatus.REFUNDED
    assert after_sale.refunded_at is not None
    first.refresh_from_db()
    second.refresh_from_db()
    order.refresh_from_db()
    assert (first.refunded_quantity, first.refunded_fen) == (1, 3714)
    assert (second.refunded_quantity, second.refunded_fen) == (1, 1163)
    assert order.refunded_fen == 4877
    assert order.status == OrderStatus.PAID
    refund = Refund.objects.get()
    assert (refund.amount_fen, refund.purpose, refund.status) == (4877, f"after_sale:{after_sale.id}", "succeeded")
    assert published.of("order_line_refunded") == [
        {"order_id": order.id, "order_line_id": first.id, "amount_fen": 3714, "quantity": 1, "refund_id": refund.id},
        {"order_id": order.id, "order_line_id": second.id, "amount_fen": 1163, "quantity": 1, "refund_id": refund.id},
    ]
    assert published.of("order_closed") == []


def test_refunding_every_unit_in_steps_returns_exactly_what_was_paid_and_closes_the_order(
    buyer, staff, sku, sku2, coupon, shipping_800, published
):
    order = pay(place_order(buyer, (sku.id, 3), (sku2.id, 2)))
    first, second = lines_of(order)
    assert (order.shipping_fen, order.paid_fen) == (800, 14270)

    steps = [[(first, 1)], [(first, 2), (second, 1)], [(second, 1)]]
    amounts = []
    for step in steps:
        after_sale = aftersale_approve(after_sale_id=ask(order, *step).id, by=staff)
        assert after_sale.status == AfterSaleStatus.REFUNDED
        amounts.append(after_sale.refund_fen)

    # the last step carries the shipping: nothing was ever shipped and nothing is left
    assert amounts == [3714, 7429 + 1163, 1164 + 800]
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert order.closed_at is not None
    assert order.refunded_fen == order.paid_fen == sum(amounts)
    for line in lines_of(order):
        assert (line.refunded_quantity, line.refunded_fen) == (line.quantity, line.paid_fen)
    line_events = published.of("order_line_refunded")
    assert sum(e["amount_fen"] for e in line_events) == first.paid_fen + second.paid_fen  # shipping is order-level
    assert sum(e["quantity"] for e in line_events) == 5
    assert published.of("order_closed") == [{"order_id": order.id}]
    assert order.events.filter(type="closed", to_status="closed").count() == 1


def test_refund_only_before_shipping_puts_the_units_back_on_sale(buyer, staff, sku):
    order = pay(place_order(buyer, (sku.id, 3)))
    [line] = lines_of(order)
    assert _stock(sku) == 97

    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 2)).id, by=staff)

    assert after_sale.restocked is True
    assert _stock(sku) == 99
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.reason) == (2, "return")
    assert after_sale.after_sale_no in movement.note


# --- return and refund ------------------------------------------------------------------------------


def test_return_flow_restocks_exactly_once_and_keeps_the_shipping(buyer, staff, sku, shipping_800, published):
    order = receive(ship(pay(place_order(buyer, (sku.id, 2))), staff))
    [line] = lines_of(order)
    stock_before = _stock(sku)

    after_sale = ask(order, (line, 2), kind="return_refund")
    assert after_sale.refund_fen == line.paid_fen  # shipped: the 8.00 shipping stays with the merchant
    after_sale = aftersale_approve(after_sale_id=after_sale.id, by=staff)
    assert after_sale.status == AfterSaleStatus.AWAITING_RETURN
    assert Refund.objects.count() == 0

    after_sale = aftersale_ship_return(
        after_sale_id=after_sale.id, buyer=buyer, carrier_code="SF", tracking_no="SF123456"
    )
    assert (after_sale.status, after_sale.return_tracking_no) == (AfterSaleStatus.RETURN_SHIPPED, "SF123456")

    after_sale = aftersale_receive_return(after_sale_id=after_sale.id, by=staff, restock=True)
    assert after_sale.status == AfterSaleStatus.REFUNDED
    assert after_sale.restocked is True
    assert _stock(sku) == stock_before + 2

    with pytest.raises(Conflict) as err:
        aftersale_receive_return(after_sale_id=after_sale.id, by=staff, restock=True)
    assert err.value.code == "AFTER_SALE_RETURN_NOT_RECEIVABLE"
    assert _stock(sku) == stock_before + 2
    assert StockMovement.objects.filter(sku=sku, reason="return").count() == 1

    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert order.refunded_fen == line.paid_fen == order.paid_fen - 800
    assert published.of("order_closed") == [{"order_id": order.id}]


def test_receiving_a_return_without_restock_leaves_stock_alone(buyer, staff, sku):
    order = ship(pay(place_order(buyer, (sku.id, 2))), staff)
    [line] = lines_of(order)
    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 1), kind="return_refund").id, by=staff)
    aftersale_ship_return(after_sale_id=after_sale.id, buyer=buyer, carrier_code="ZTO", tracking_no="ZT0000001")
    before = _stock(sku)

    after_sale = aftersale_receive_return(after_sale_id=after_sale.id, by=staff, restock=False)

    assert (after_sale.status, after_sale.restocked) == (AfterSaleStatus.REFUNDED, False)
    assert _stock(sku) == before


def test_return_and_refund_is_only_for_shipped_units(buyer, sku):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)

    with pytest.raises(AfterSaleError) as err:
        ask(order, (line, 1), kind="return_refund")

    assert err.value.code == "AFTER_SALE_RETURN_NOT_SHIPPED"


# --- reject, cancel ------------------------------------------------------------------------------


def test_reject_needs_a_reason_and_frees_the_units(buyer, staff, sku):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)
    after_sale = ask(order, (line, 2))

    with pytest.raises(AfterSaleError) as err:
        aftersale_reject(after_sale_id=after_sale.id, by=staff, reason="  ")
    assert err.value.code == "AFTER_SALE_REJECT_REASON_REQUIRED"

    after_sale = aftersale_reject(after_sale_id=after_sale.id, by=staff, reason="商品无质量问题")
    assert (after_sale.status, after_sale.reject_reason, after_sale.handled_by) == ("rejected", "商品无质量问题", staff)
    with pytest.raises(Conflict) as err:
        aftersale_approve(after_sale_id=after_sale.id, by=staff)
    assert err.value.code == "AFTER_SALE_NOT_APPROVABLE"
    assert ask(order, (line, 2)).status == AfterSaleStatus.REQUESTED  # the units are free again
    assert Refund.objects.count() == 0


def test_returned_goods_can_be_rejected_on_arrival(buyer, staff, sku):
    order = ship(pay(place_order(buyer, (sku.id, 1))), staff)
    [line] = lines_of(order)
    after_sale = aftersale_approve(after_sale_id=ask(order, (line, 1), kind="return_refund").id, by=staff)
    aftersale_ship_return(after_sale_id=after_sale.id, buyer=buyer, carrier_code="SF", tracking_no="SF7654321")

    after_sale = aftersale_reject(after_sale_id=after_sale.id, by=staff, reason="退回商品已损坏")

    assert after_sale.status == AfterSaleStatus.REJECTED
    assert after_sale.restocked is False
    assert Refund.objects.count() == 0


def test_buyer_cancels_before_money_moves_and_only_their_own(buyer, other_user, staff, sku):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)
    after_sale = ask(order, (line, 1))

    with pytest.raises(NotFound) as err:
        aftersale_cancel(after_sale_id=after_sale.id, buyer=other_user)
    assert err.value.code == "AFTER_SALE_NOT_FOUND"

    after_sale = aftersale_cancel(after_sale_id=after_sale.id, buyer=buyer)
    assert after_sale.status == AfterSaleStatus.CANCELLED
    events = list(order.events.filter(data__after_sale_id=after_sale.id).values_list("type", flat=True))
    assert events == ["after_sale_requested", "after_sale_cancelled"]

    refunded = aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)
    with pytest.raises(Conflict) as err:
        aftersale_cancel(after_sale_id=refunded.id, buyer=buyer)
    assert err.value.code == "AFTER_SALE_NOT_CANCELLABLE"


# --- what may be asked ------------------------------------------------------------------------------


def test_after_sales_window_closes_seven_days_after_receipt(buyer, staff, sku):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        order = receive(ship(pay(place_order(buyer, (sku.id, 2))), staff))
    [line] = lines_of(order)

    with time_machine.travel(start + timedelta(days=7) - timedelta(minutes=1), tick=False):
        assert ask(order, (line, 1), kind="return_refund").status == AfterSaleStatus.REQUESTED
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False), pytest.raises(Conflict) as err:
        ask(order, (line, 1), kind="return_refund")
    assert err.value.code == "AFTER_SALES_WINDOW_CLOSED"


def test_unpaid_order_takes_no_after_sale(buyer, sku):
    order = place_order(buyer, (sku.id, 1))
    [line] = lines_of(order)

    with pytest.raises(Conflict) as err:
        ask(order, (line, 1))

    assert err.value.code == "AFTER_SALE_NOT_ALLOWED"


def test_quantity_beyond_what_is_left_is_refused(buyer, staff, sku):
    order = pay(place_order(buyer, (sku.id, 3)))
    [line] = lines_of(order)

    with pytest.raises(AfterSaleError) as err:
        ask(order, (line, 4))
    assert err.value.code == "AFTER_SALE_QUANTITY_EXCEEDED"

    aftersale_approve(after_sale_id=ask(order, (line, 2)).id, by=staff)
    with pytest.raises(AfterSaleError) as err:
        ask(order, (line, 2))
    assert err.value.code == "AFTER_SALE_QUANTITY_EXCEEDED"
    assert ask(order, (line, 1)).refund_fen == line.paid_fen - line.paid_fen * 2 // 3


def test_a_line_takes_one_after_sale_at_a_time(buyer, sku, sku2):
    order = pay(place_order(buyer, (sku.id, 3), (sku2.id, 1)))
    first, second = lines_of(order)
    ask(order, (first, 1))

    with pytest.raises(Conflict) as err:
        ask(order, (first, 1), (second, 1))

    assert err.value.code == "AFTER_SALE_IN_PROGRESS"
    assert ask(order, (second, 1)).status == AfterSaleStatus.REQUESTED  # another line is fine


def test_someone_elses_order_is_not_found(buyer, other_user, sku):
    order = pay(place_order(buyer, (sku.id, 1)))
    [line] = lines_of(order)

    with pytest.raises(NotFound) as err:
        ask(order, (line, 1), buyer=other_user)

    assert err.value.code == "ORDER_NOT_FOUND"


def test_a_line_of_another_order_is_refused(buyer, sku):
    order = pay(place_order(buyer, (sku.id, 1)))
    other_order = pay(place_order(buyer, (sku.id, 1)))

    with pytest.raises(AfterSaleError) as err:
        ask(order, (lines_of(other_order)[0], 1))

    assert err.value.code == "AFTER_SALE_LINE_NOT_FOUND"


def test_shipping_is_refunded_once_even_when_the_last_requests_overlap(buyer, staff, sku, sku2, shipping_800):
    # Two requests together cover the order; the one made last carries the shipping. When the
    # first is rejected and asked again, the shipping is not offered a second time.
    order = pay(place_order(buyer, (sku.id, 1), (sku2.id, 1)))
    first, second = lines_of(order)
    a = ask(order, (first, 1))
    b = ask(order, (second, 1))
    assert (a.refund_fen, b.refund_fen) == (first.paid_fen, second.paid_fen + 800)

    aftersale_reject(after_sale_id=a.id, by=staff, reason="请补充凭证")
    again = ask(order, (first, 1))
    assert again.refund_fen == first.paid_fen

    for after_sale in (b, again):
        aftersale_approve(after_sale_id=after_sale.id, by=staff)
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == (OrderStatus.CLOSED, order.paid_fen)


def test_refund_of_the_last_unshipped_units_completes_shipping(buyer, staff, sku, sku2):
    # A partly shipped order waits in "paid" for its last line; refunding that line ships it.
    from fenxiao.orders.shipping.shipments import order_ship

    order = pay(place_order(buyer, (sku.id, 1), (sku2.id, 1)))
    first, second = lines_of(order)
    order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF9990001", lines=[(first.id, 1)])
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    aftersale_approve(after_sale_id=ask(order, (second, 1)).id, by=staff)

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert Refund.objects.get().status == RefundStatus.SUCCEEDED
