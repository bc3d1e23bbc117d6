"""Settlement runs in the commerce sweeps, so ``fenxiao sweep --as-of`` (sandbox only) lets a
demo or a test walk an order from payment to withdrawable commission."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fenxiao.distribution.commission.booking import sweep_unbooked_orders
from fenxiao.distribution.models import CommissionRecord, OrderReferral
from fenxiao.orders.shipping.shipments import order_ship
from tests.distribution.support import Balances, balances, paid_order

pytestmark = pytest.mark.django_db


def sweep(commit, at) -> str:
    out = StringIO()
    with commit():
        call_command("sweep", "--as-of", at.isoformat(), stdout=out)
    return out.getvalue()


def test_sweeps_receive_then_settle_as_days_pass(commit, buyer, mid, top, sku, django_user_model):
    order = paid_order(commit, buyer, (sku.id, 1))
    operator = django_user_model.objects.create(username="shipper", is_staff=True)
    with commit():
        order_ship(order_id=order.id, by=operator, carrier_code="SF", tracking_no="SF0000000001")
    start = timezone.now()

    assert "orders.auto_receive: 1" in sweep(commit, start + timedelta(days=10, minutes=1))
    assert balances(mid) == Balances(pending=1000, available=0, withdrawing=0)

    out = sweep(commit, start + timedelta(days=17, minutes=2))
    assert "distribution.settle_commission: 2" in out
    assert balances(mid) == Balances(pending=0, available=1000, withdrawing=0)
    assert balances(top).available == 500


def test_a_lost_payment_event_is_booked_by_the_repair_sweep(commit, buyer, mid, sku):
    from fenxiao.core import extensions
    from fenxiao.distribution import handlers

    extensions.unsubscribe("order_paid", handlers.on_order_paid)
    try:
        order = paid_order(commit, buyer, (sku.id, 1))
    finally:
        extensions.subscribe("order_paid", handlers.on_order_paid)
    assert not CommissionRecord.objects.filter(order=order).exists()
    assert OrderReferral.objects.get(order=order).booked_at is None

    assert sweep_unbooked_orders(now=timezone.now()) == 1
    assert balances(mid).pending == 1000
    assert sweep_unbooked_orders(now=timezone.now()) == 0
