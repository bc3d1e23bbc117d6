"""The extension module: domain events run after commit, never after a rollback, and one failing
subscriber does not stop the others; hook points keep their order; sweeps run in the written order."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from fenxiao.core import extensions
from fenxiao.core.extensions import (
    SWEEP_ORDER,
    HookPoint,
    publish_on_commit,
    register_sweep,
    registered_sweeps,
    run_sweeps,
    subscribe,
    unsubscribe,
)


@pytest.fixture
def recorder():
    calls: list[tuple[str, dict]] = []

    def broken(**payload):
        raise RuntimeError("subscriber bug")

    def record(**payload):
        calls.append(("demo_event", payload))

    subscribe("demo_event", broken)
    subscribe("demo_event", record)
    subscribe("demo_event", record)  # registering twice is a no-op
    yield calls
    unsubscribe("demo_event", broken)
    unsubscribe("demo_event", record)


@pytest.mark.django_db(transaction=True)
def test_subscribers_run_once_after_commit_despite_a_failing_one(recorder, caplog):
    with transaction.atomic():
        publish_on_commit("demo_event", order_id=7)
        assert recorder == []
    assert recorder == [("demo_event", {"order_id": 7})]
    assert "subscriber bug" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_nothing_runs_after_a_rollback(recorder):
    with pytest.raises(ValueError), transaction.atomic():
        publish_on_commit("demo_event", order_id=8)
        raise ValueError("rolled back")
    assert recorder == []


# -- hook points and the sweep order -------------------------------------------------------


def test_a_hook_point_keeps_registration_order_and_replaces_a_key_in_place():
    point: HookPoint[str] = HookPoint("test.point")
    point.register("a", "first")
    point.register("b", "second")
    point.register("a", "first again")  # AppConfig.ready running twice
    assert point.all() == ["first again", "second"]
    point.unregister("a")
    point.unregister("missing")
    assert point.all() == ["second"]


def test_a_single_hook_point_names_what_is_missing_or_already_there():
    point: HookPoint[str] = HookPoint("test.single", single=True)
    with pytest.raises(RuntimeError, match=r"nothing implements hook test\.single"):
        point.one()
    point.register("orders", "port")
    point.register("orders", "port replaced")
    assert point.one() == "port replaced"
    with pytest.raises(RuntimeError, match="takes one implementation"):
        point.register("other", "port")


def test_the_installed_apps_register_exactly_the_sweeps_of_the_written_order():
    assert list(registered_sweeps()) == list(SWEEP_ORDER)


def test_a_sweep_missing_from_the_written_order_is_refused():
    with pytest.raises(ValueError, match="SWEEP_ORDER"):
        register_sweep("nobody.knows", lambda now: 0)


def test_a_round_runs_in_the_written_order_whatever_the_registration_order(monkeypatch):
    ran: list[str] = []
    monkeypatch.setattr(extensions, "_sweeps", {})
    for name in reversed(SWEEP_ORDER[:3]):
        register_sweep(name, lambda now, name=name: ran.append(name) or 1)
    assert run_sweeps(now=timezone.now()) == dict.fromkeys(SWEEP_ORDER[:3], 1)
    assert ran == list(SWEEP_ORDER[:3])


def test_payments_is_answered_by_orders_through_the_port():
    from fenxiao.orders.payment_port import OrderPaymentPort
    from fenxiao.payments.hooks import order_port

    assert isinstance(order_port.one(), OrderPaymentPort)
