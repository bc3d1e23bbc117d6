"""The timed rules, with time moved by time-machine (or ``--as-of``), never by sleeping."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from fenxiao.core.extensions import run_sweeps, subscribe, unsubscribe
from fenxiao.orders.models import AfterSale, Order, OrderStatus
from fenxiao.orders.services import order_confirm_receipt
from fenxiao.orders.sweeps import sweep_auto_receive, sweep_complete_orders, sweep_unpaid_orders
from tests.catalog_factories import stock_of
from tests.order_support import mark_paid, place_order

START = timezone.datetime(2026, 11, 25, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


def _ship(order: Order, at) -> None:
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.SHIPPED, shipped_at=at)


@pytest.fixture
def completed_events():
    seen: list[int] = []

    def record(order_id: int) -> None:
        seen.append(order_id)

    subscribe("order_completed", record)
    yield seen
    unsubscribe("order_completed", record)


def test_unpaid_orders_are_cancelled_after_the_payment_window(buyer, sku, settings):
    settings.ORDER_PAYMENT_WINDOW = timedelta(minutes=30)
    with time_machine.travel(START, tick=False):
        order = place_order(buyer, (sku.id, 4))
    assert sweep_unpaid_orders(now=START + timedelta(minutes=29)) == 0
    assert sweep_unpaid_orders(now=START + timedelta(minutes=31)) == 1
    assert sweep_unpaid_orders(now=START + timedelta(minutes=32)) == 0  # idempotent

    order.refresh_from_db()
    sku.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.cancelled_at == START + timedelta(minutes=31)
    assert stock_of(sku) == 100
    assert order.events.last().note == "超时未支付，系统自动取消"


def test_paid_orders_are_never_cancelled_by_the_sweep(buyer, sku):
    with time_machine.travel(START, tick=False):
        order = mark_paid(place_order(buyer, (sku.id, 1)))
    assert sweep_unpaid_orders(now=START + timedelta(days=1)) == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_receipt_is_confirmed_ten_days_after_shipping(buyer, sku):
    order = mark_paid(place_order(buyer, (sku.id, 1)))
    _ship(order, START)
    assert sweep_auto_receive(now=START + timedelta(days=9, hours=23)) == 0
    assert sweep_auto_receive(now=START + timedelta(days=10)) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    assert order.received_at == START + timedelta(days=10)
    assert order.events.last().type == "auto_received"


def test_orders_complete_when_the_after_sales_window_ends(
    buyer, sku, completed_events, django_capture_on_commit_callbacks
):
    order = mark_paid(place_order(buyer, (sku.id, 1)))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.RECEIVED, received_at=START)
    assert sweep_complete_orders(now=START + timedelta(days=6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_complete_orders(now=START + timedelta(days=7)) == 1
    assert sweep_complete_orders(now=START + timedelta(days=8)) == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert completed_events == [order.id]


def test_an_open_after_sale_holds_completion(buyer, sku, completed_events, django_capture_on_commit_callbacks):
    order = mark_paid(place_order(buyer, (sku.id, 1)))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.RECEIVED, received_at=START)
    AfterSale.objects.create(
        after_sale_no="AS1", order=order, buyer=buyer, kind="refund_only", reason="质量问题", refund_fen=100
    )
    assert sweep_complete_orders(now=START + timedelta(days=30)) == 0
    AfterSale.objects.update(status="rejected")
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_complete_orders(now=START + timedelta(days=30)) == 1
    assert completed_events == [order.id]


def test_run_sweeps_runs_every_registered_sweep(buyer, sku):
    counts = run_sweeps(now=timezone.now())
    assert {"orders.cancel_unpaid", "orders.auto_receive", "orders.complete"} <= set(counts)


def test_sweep_command_lets_days_pass_in_sandbox(buyer, sku):
    order = mark_paid(place_order(buyer, (sku.id, 1)))
    _ship(order, timezone.now())
    out = StringIO()
    call_command("sweep", "--as-of", (timezone.now() + timedelta(days=10, minutes=1)).isoformat(), stdout=out)
    assert "orders.auto_receive: 1" in out.getvalue()
    call_command("sweep", "--as-of", (timezone.now() + timedelta(days=17, minutes=2)).isoformat(), stdout=out)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED


def test_sweep_command_runs_only_the_named_rules_at_a_relative_time(buyer, sku):
    received = mark_paid(place_order(buyer, (sku.id, 1)))
    _ship(received, timezone.now())
    order_confirm_receipt(order_id=received.id, by=buyer)
    unpaid = place_order(buyer, (sku.id, 1))
    out = StringIO()

    call_command("sweep", "--as-of", "+8d", "--only", "orders.complete", stdout=out)

    assert out.getvalue().splitlines() == ["orders.complete: 1"]
    assert Order.objects.get(pk=received.pk).status == OrderStatus.COMPLETED
    assert Order.objects.get(pk=unpaid.pk).status == OrderStatus.PENDING_PAYMENT  # not due for this walk


def test_sweep_command_lists_its_rules_and_refuses_an_unknown_one(db):
    out = StringIO()
    call_command("sweep", "--list", stdout=out)
    assert {"orders.complete", "payments.refused_payments"} <= set(out.getvalue().split())
    with pytest.raises(CommandError, match=r"没有这些规则：orders\.nope"):
        call_command("sweep", "--only", "orders.nope", stdout=StringIO())


def test_sweep_command_refuses_as_of_in_live_mode(settings):
    settings.WECHAT_MODE = "live"
    with pytest.raises(CommandError, match="沙箱"):
        call_command("sweep", "--as-of", "2030-01-01T00:00:00+08:00", stdout=StringIO())


def test_sweep_command_refuses_a_bad_time(db):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("sweep", "--as-of", "next tuesday", stdout=StringIO())
    with pytest.raises(CommandError, match=r"\+8d"):
        call_command("sweep", "--as-of", "+8 days", stdout=StringIO())


def test_celery_task_runs_the_sweeps_eagerly_without_a_broker(db):
    from fenxiao.core.tasks import run_sweeps_task

    result = run_sweeps_task.delay()
    assert "orders.cancel_unpaid" in result.get()


def test_in_process_sweeper_stays_off_when_disabled(settings):
    from fenxiao.core.sweeper import start_in_process_sweeper

    settings.SWEEP_IN_PROCESS = False
    assert start_in_process_sweeper() is False
