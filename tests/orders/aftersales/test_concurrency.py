"""Steps racing each other on PostgreSQL (row locks are no-ops on SQLite): a double tap, two
operators on one after-sale. Each race has one winner, and money and stock move once."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import DomainError
from fenxiao.inventory.models import StockMovement
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request, aftersale_ship_return
from fenxiao.orders.aftersales.review import aftersale_approve, aftersale_receive_return
from fenxiao.orders.models import AfterSale, AfterSaleStatus
from fenxiao.payments.models import Refund
from tests.catalog_factories import stock_of
from tests.concurrency import run_together
from tests.order_support import place_order
from tests.orders.aftersales.support import (
    ask,
    fixture_aftersale_sandbox,  # noqa: F401  (fixtures)
    lines_of,
    pay,
    ship,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _codes(results) -> list[str]:
    return sorted(r.code if isinstance(r, DomainError) else type(r).__name__ for r in results)


def test_a_double_tap_makes_one_after_sale(buyer, sku):
    order = pay(place_order(buyer, (sku.id, 2)))
    [line] = lines_of(order)

    results = run_together(
        lambda i: aftersale_request(
            order_id=order.id, buyer=buyer, kind="refund_only", reason="不想要了",
            lines=[AfterSaleLineRequest(line.id, 2)],
        ),
        4,
    )  # fmt: skip

    assert _codes(results) == ["AFTER_SALE_IN_PROGRESS"] * 3 + ["AfterSale"]
    assert AfterSale.objects.count() == 1


def test_two_operators_approving_at_once_refund_once(buyer, staff, sku):
    order = pay(place_order(buyer, (sku.id, 3)))
    after_sale = ask(order, (lines_of(order)[0], 2))

    results = run_together(lambda i: aftersale_approve(after_sale_id=after_sale.id, by=staff), 3)

    assert _codes(results) == ["AFTER_SALE_NOT_APPROVABLE"] * 2 + ["AfterSale"]
    assert Refund.objects.count() == 1
    order.refresh_from_db()
    assert order.refunded_fen == after_sale.refund_fen


def test_receiving_a_return_twice_at_once_restocks_once(buyer, staff, sku):
    order = ship(pay(place_order(buyer, (sku.id, 2))), staff)
    after_sale = aftersale_approve(after_sale_id=ask(order, (lines_of(order)[0], 2), kind="return_refund").id, by=staff)
    aftersale_ship_return(after_sale_id=after_sale.id, buyer=buyer, carrier_code="SF", tracking_no="SF8880001")
    sku.refresh_from_db()
    before = stock_of(sku)

    results = run_together(lambda i: aftersale_receive_return(after_sale_id=after_sale.id, by=staff), 3)

    assert _codes(results) == ["AFTER_SALE_RETURN_NOT_RECEIVABLE"] * 2 + ["AfterSale"]
    sku.refresh_from_db()
    assert stock_of(sku) == before + 2
    assert StockMovement.objects.filter(reason="return").count() == 1
    after_sale.refresh_from_db()
    assert after_sale.status == AfterSaleStatus.REFUNDED
    assert Refund.objects.count() == 1
