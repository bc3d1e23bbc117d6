"""Order reads: the tabs of "我的订单", owner isolation, and the operator's detail in few queries."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import DomainError, NotFound
from fenxiao.orders.models import AfterSale
from fenxiao.orders.selectors import (
    order_get_for_buyer,
    order_get_for_operator,
    order_list_for_buyer,
    order_list_for_operator,
    order_tab_counts_for_buyer,
)
from fenxiao.orders.services import order_cancel, order_complete, order_confirm_receipt
from fenxiao.orders.shipping.shipments import order_ship
from tests.order_support import mark_paid, place_order


@pytest.fixture
def orders(buyer, sku, staff):
    """One order of the buyer in each state, plus one with an after-sale."""

    def shipped():
        order = mark_paid(place_order(buyer, (sku.id, 1)))
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no=f"SF{order.id:08d}", lines=None)
        return order

    made = {
        "pending": place_order(buyer, (sku.id, 1)),
        "cancelled": place_order(buyer, (sku.id, 1)),
        "paid": mark_paid(place_order(buyer, (sku.id, 1))),
        "shipped": shipped(),
        "received": shipped(),
        "completed": shipped(),
        "refund_asked": mark_paid(place_order(buyer, (sku.id, 1))),
    }
    order_cancel(order_id=made["cancelled"].id, by=buyer)
    order_confirm_receipt(order_id=made["received"].id, by=buyer)
    order_confirm_receipt(order_id=made["completed"].id, by=buyer)
    order_complete(order_id=made["completed"].id)
    AfterSale.objects.create(
        after_sale_no="AS1", order=made["refund_asked"], buyer=buyer, kind="refund_only", reason="拍错了", refund_fen=1
    )
    return made


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("pending_payment", ["pending"]),
        ("to_ship", ["refund_asked", "paid"]),
        ("to_receive", ["shipped"]),
        ("completed", ["completed", "received"]),
        ("after_sales", ["refund_asked"]),
        (None, ["refund_asked", "completed", "received", "shipped", "paid", "cancelled", "pending"]),
    ],
)
def test_buyer_tabs(orders, buyer, tab, expected):
    page = order_list_for_buyer(buyer=buyer, tab=tab, page=1, page_size=20)
    names = {o.id: name for name, o in orders.items()}
    assert [names[o.id] for o in page.items] == expected
    assert page.count == len(expected)


def test_tab_counts(orders, buyer):
    assert order_tab_counts_for_buyer(buyer=buyer) == {
        "pending_payment": 1,
        "to_ship": 2,
        "to_receive": 1,
        "completed": 2,
        "after_sales": 1,
    }


def test_unknown_tab_is_refused(buyer):
    with pytest.raises(DomainError) as err:
        order_list_for_buyer(buyer=buyer, tab="lost", page=1, page_size=10)
    assert (err.value.code, err.value.field) == ("ORDER_TAB_INVALID", "status")


def test_buyer_sees_only_their_orders(orders, other_user):
    assert order_list_for_buyer(buyer=other_user, tab=None, page=1, page_size=10).count == 0
    with pytest.raises(NotFound) as err:
        order_get_for_buyer(order_id=orders["paid"].id, buyer=other_user)
    assert err.value.code == "ORDER_NOT_FOUND"


def test_buyer_list_pages_and_prefetches_lines(orders, buyer, django_assert_num_queries):
    with django_assert_num_queries(3):  # count, orders, lines
        page = order_list_for_buyer(buyer=buyer, tab=None, page=2, page_size=3)
        titles = [line.product_title for order in page.items for line in order.lines.all()]
    assert (page.count, page.page, page.page_size, len(page.items), len(titles)) == (7, 2, 3, 3, 3)
    assert order_list_for_buyer(buyer=buyer, tab=None, page=9, page_size=3).items == []


def test_operator_detail_in_one_query_per_relation(orders, django_assert_num_queries):
    # order+buyer, lines, events+actors, shipments, their lines, after-sales (none, so not their lines), payments
    order_id = orders["shipped"].id
    with django_assert_num_queries(
        7
    ):  # order+buyer, lines, events, shipments, their lines, after-sales (+lines), payments
        order = order_get_for_operator(order_id=order_id)
        assert len(order.lines.all()) == 1
        assert [e.type for e in order.events.all()][-1] == "shipped"
        assert [sl.order_line.product_title for s in order.shipments.all() for sl in s.lines.all()]
        assert list(order.after_sales.all()) == []
        assert [p.status for p in order.payments.all()] == ["succeeded"]


def test_operator_search(orders):
    page = order_list_for_operator(q=orders["paid"].order_no)
    assert [o.id for o in page.items] == [orders["paid"].id]
    assert order_list_for_operator(q="张三").count == 7  # the receiver of the buyer's address
    assert order_list_for_operator(status="cancelled").items == [orders["cancelled"]]
