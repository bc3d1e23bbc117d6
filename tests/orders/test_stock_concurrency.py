"""Real threads against PostgreSQL: the last units of a SKU, and orders that take SKUs in
opposite orders. SQLite serialises writers, so these only mean something on PostgreSQL."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Sku
from fenxiao.inventory.errors import StockError
from fenxiao.inventory.models import StockReservation
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_cancel
from tests.catalog_factories import SkuFactory, stock_of
from tests.concurrency import run_together
from tests.order_support import address_for, place_order

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _buyers(n: int) -> list[User]:
    users = []
    for i in range(n):
        user = User.objects.create(username=f"wx_buyer{i}", openid=f"sandbox-buyer{i}")
        address_for(user)
        users.append(user)
    return users


def test_fifty_buyers_for_the_last_ten_units_make_exactly_ten_orders():
    sku = SkuFactory(stock=10)
    buyers = _buyers(50)

    results = run_together(lambda i: place_order(buyers[i], (sku.id, 1)), 50)

    orders = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, StockError)]
    assert len(orders) == 10
    assert len(refused) == 40
    assert all(r.code == "STOCK_INSUFFICIENT" for r in refused)
    assert not [r for r in results if not isinstance(r, (Order, StockError))]
    sku.refresh_from_db()
    assert stock_of(sku) == 0
    assert Order.objects.count() == 10
    assert sum(StockReservation.objects.values_list("quantity", flat=True)) == 10


def test_orders_taking_skus_in_opposite_orders_never_deadlock():
    a, b, c = SkuFactory(stock=1000), SkuFactory(stock=1000), SkuFactory(stock=1000)
    buyers = _buyers(20)

    def buy(i: int) -> Order:
        lines = [(a.id, 1), (b.id, 2), (c.id, 1)]
        return place_order(buyers[i], *(lines if i % 2 else list(reversed(lines))))

    results = run_together(buy, 20)

    assert all(isinstance(r, Order) for r in results), [r for r in results if not isinstance(r, Order)]
    stocks = dict(Sku.objects.filter(pk__in=[a.id, b.id, c.id]).values_list("pk", "stock_level__quantity"))
    assert stocks == {a.id: 980, b.id: 960, c.id: 980}


def test_racing_cancels_give_stock_back_once():
    sku = SkuFactory(stock=5)
    (buyer,) = _buyers(1)
    order = place_order(buyer, (sku.id, 3))

    results = run_together(lambda i: order_cancel(order_id=order.id, by=None, reason="sweep"), 10)

    assert all(isinstance(r, Order) for r in results), results
    sku.refresh_from_db()
    assert stock_of(sku) == 5
