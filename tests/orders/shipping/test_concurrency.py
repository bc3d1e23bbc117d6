"""Real threads against PostgreSQL: two operators shipping the same order, and two orders given
the same tracking number at once. SQLite serialises writers, so these only mean something on
PostgreSQL."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.core.errors import DomainError
from fenxiao.orders.models import OrderLine, OrderStatus, Shipment
from fenxiao.orders.shipping.shipments import order_ship
from tests.catalog_factories import SkuFactory
from tests.concurrency import run_together
from tests.order_support import address_for, mark_paid, place_order

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _paid_orders(n: int) -> list:
    sku = SkuFactory(stock=100)
    orders = []
    for i in range(n):
        user = User.objects.create(username=f"wx_buyer{i}", openid=f"sandbox-buyer{i}")
        address_for(user)
        orders.append(mark_paid(place_order(user, (sku.id, 3))))
    return orders


def test_ten_operators_shipping_one_order_ship_it_once():
    (order,) = _paid_orders(1)

    results = run_together(
        lambda i: order_ship(order_id=order.id, by=None, carrier_code="SF", tracking_no=f"SF{i:08d}", lines=None), 10
    )

    shipped = [r for r in results if isinstance(r, Shipment)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(shipped) == 1
    assert len(refused) == 9 and {r.code for r in refused} == {"ORDER_NOT_SHIPPABLE"}
    assert OrderLine.objects.get(order=order).shipped_quantity == 3
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.events.filter(type="shipped").count() == 1


def test_one_unit_at_a_time_from_many_threads_never_over_ships():
    (order,) = _paid_orders(1)
    line = order.lines.get()

    results = run_together(
        lambda i: order_ship(
            order_id=order.id, by=None, carrier_code="ZTO", tracking_no=f"ZT{i:08d}", lines=[(line.id, 1)]
        ),
        8,
    )

    assert len([r for r in results if isinstance(r, Shipment)]) == 3
    assert all(isinstance(r, Shipment | DomainError) for r in results), results
    line.refresh_from_db()
    assert line.shipped_quantity == 3


def test_one_tracking_number_on_two_orders_at_once_is_used_once():
    orders = _paid_orders(6)

    results = run_together(
        lambda i: order_ship(order_id=orders[i].id, by=None, carrier_code="SF", tracking_no="SF99999999", lines=None),
        6,
    )

    assert len([r for r in results if isinstance(r, Shipment)]) == 1
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 5 and {r.code for r in refused} == {"SHIPMENT_DUPLICATE"}
    assert Shipment.objects.count() == 1
