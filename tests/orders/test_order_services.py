"""Placing, paying and cancelling orders on the database: amounts, stock, events, idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import Conflict
from fenxiao.inventory.models import StockReservation
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.orders.services import order_cancel, order_payment_receive
from fenxiao.payments.models import Payment
from tests.catalog_factories import stock_of
from tests.order_support import mark_paid, place_order


def test_order_takes_stock_and_snapshots_the_lines(buyer, sku, sku2):
    order = place_order(buyer, (sku.id, 2), (sku2.id, 1))

    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.goods_fen == 2 * 3990 + 1250
    assert order.payable_fen == order.goods_fen  # no shipping template: free shipping
    assert [(ln.sku_id, ln.quantity, ln.paid_fen) for ln in order.lines.all()] == [
        (sku.id, 2, 7980),
        (sku2.id, 1, 1250),
    ]
    sku.refresh_from_db()
    sku2.refresh_from_db()
    assert (stock_of(sku), stock_of(sku2)) == (98, 99)
    assert list(order.events.values_list("type", "to_status")) == [("created", "pending_payment")]


def test_a_payment_deadline_shortens_the_shop_window_but_never_lengthens_it(buyer, sku, settings):
    settings.ORDER_PAYMENT_WINDOW = timedelta(minutes=30)
    with time_machine.travel(datetime(2026, 11, 26, 12, 0, tzinfo=UTC), tick=False):
        shop = timezone.now() + timedelta(minutes=30)
        sooner = place_order(buyer, (sku.id, 1), payment_deadline=timezone.now() + timedelta(minutes=5))
        later = place_order(buyer, (sku.id, 1), payment_deadline=timezone.now() + timedelta(hours=2))
        plain = place_order(buyer, (sku.id, 1))

    stored = dict(Order.objects.values_list("pk", "payment_deadline"))
    assert stored[sooner.pk] == shop - timedelta(minutes=25)
    assert stored[later.pk] == stored[plain.pk] == shop


def test_cancel_gives_stock_back_once(buyer, sku):
    order = place_order(buyer, (sku.id, 3))

    order_cancel(order_id=order.id, by=buyer, reason="不想要了")
    order_cancel(order_id=order.id, by=buyer, reason="再点一次")

    sku.refresh_from_db()
    assert stock_of(sku) == 100
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.cancelled_at is not None
    assert StockReservation.objects.get().state == "released"


def test_paid_order_consumes_its_reservation_and_cannot_be_cancelled(buyer, sku):
    order = mark_paid(place_order(buyer, (sku.id, 2)))

    assert order.status == OrderStatus.PAID
    assert order.paid_fen == order.payable_fen
    with pytest.raises(Conflict) as err:
        order_cancel(order_id=order.id, by=buyer)
    assert err.value.code == "ORDER_NOT_CANCELLABLE"
    sku.refresh_from_db()
    assert stock_of(sku) == 98
    assert sku.product.__class__.objects.get(pk=sku.product_id).sales_count == 2


def test_same_idempotency_key_returns_the_same_order(buyer, sku):
    first = place_order(buyer, (sku.id, 1), idempotency_key="k-1")
    again = place_order(buyer, (sku.id, 1), idempotency_key="k-1")

    assert again.id == first.id
    sku.refresh_from_db()
    assert stock_of(sku) == 99
    with pytest.raises(Conflict) as err:
        place_order(buyer, (sku.id, 2), idempotency_key="k-1")
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_money_for_a_cancelled_order_is_refused_and_changes_nothing(buyer, sku):
    order = place_order(buyer, (sku.id, 2))
    order_cancel(order_id=order.id, by=None, reason="超时未支付")
    payment = Payment.objects.create(
        order=order, out_trade_no=f"T{order.order_no}", amount_fen=order.payable_fen, description="test",
        payer_openid=buyer.openid, transaction_id="4200000000000000000000000001", trade_state="SUCCESS",
    )  # fmt: skip

    refusal = order_payment_receive(order_id=order.id, payment=payment)

    assert refusal is not None and refusal.code == "ORDER_CANCELLED"
    order.refresh_from_db()
    assert (order.status, order.paid_fen, order.paid_at) == (OrderStatus.CANCELLED, 0, None)
    sku.refresh_from_db()
    assert stock_of(sku) == 100
    assert StockReservation.objects.get().state == "released"
    assert list(order.events.values_list("type", flat=True)) == ["created", "cancelled", "payment_refused"]


def test_a_clashing_order_number_is_drawn_again(buyer, sku, monkeypatch):
    import time_machine

    from fenxiao.orders import services

    draws = iter([7, 7, 8])
    monkeypatch.setattr(services.secrets, "randbelow", lambda _: next(draws))
    with time_machine.travel("2026-11-25 10:00:00 +0800", tick=False):
        first = place_order(buyer, (sku.id, 1))
        second = place_order(buyer, (sku.id, 1))

    assert first.order_no == "202611251000000000000007"
    assert second.order_no == "202611251000000000000008"
    sku.refresh_from_db()
    assert stock_of(sku) == 98


def test_a_placed_order_is_answered_from_what_was_written(buyer, sku):
    order = place_order(buyer, (sku.id, 2))
    assert [line.quantity for line in order.placed.lines] == [2]
    assert [e.type for e in order.placed.events] == ["created"]
