"""The transactional outbox of events with a broker (core/event_outbox.py): an event published in
a transaction is a row of that transaction, sent and deleted after the commit; a rollback leaves
nothing; a row whose process died before sending it (its after-commit callback never ran) is
relayed by the ``core.event_outbox`` sweep once the grace period passed, and kept when the broker
refuses it. Without a broker the table is never written. Its cost: one INSERT and one DELETE per
event, measured on an order placed and paid."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from fenxiao.accounts.models import User
from fenxiao.core import extensions
from fenxiao.core.event_outbox import RELAY_GRACE, sweep_event_outbox
from fenxiao.core.event_tasks import deliver_subscriber_task, enqueue_subscribers
from fenxiao.core.extensions import publish_on_commit, subscribe, unsubscribe
from fenxiao.core.models import EventOutbox
from fenxiao.core.task_routing import PAYMENTS, queue_for_sweep
from tests.catalog_factories import SkuFactory
from tests.order_support import address_for, mark_paid, place_order

calls: list[dict] = []


def record(**payload):
    calls.append(payload)


def args_of(sent: list[dict]) -> list[tuple]:
    """The (event, subscriber, payload) of each message the broker would have been sent."""
    return [message["args"] for message in sent]


@pytest.fixture
def demo_subscriber():
    calls.clear()
    subscribe("demo_event", record)
    yield
    unsubscribe("demo_event", record)
    calls.clear()


@pytest.fixture
def buyer(db) -> User:
    user = User.objects.create(username="wx_sandbox-alice", openid="sandbox-alice", nickname="爱丽丝")
    address_for(user)
    return user


def _crashed_publish(event: str, **payload) -> None:
    """Publish and commit, but the process dies before its after-commit callbacks run."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False), transaction.atomic():
        publish_on_commit(event, **payload)


@pytest.mark.django_db
def test_the_event_is_a_row_of_the_transaction_and_gone_once_sent_after_commit(demo_subscriber, sent, commit):
    with commit(), transaction.atomic():
        publish_on_commit("demo_event", order_id=7)
        assert list(EventOutbox.objects.values_list("event", "payload")) == [("demo_event", {"order_id": 7})]
        assert sent == []
    assert args_of(sent) == [("demo_event", "tests.core.test_event_outbox:record", {"order_id": 7})]
    assert not EventOutbox.objects.exists()
    assert calls == []  # the worker runs it, not this process


@pytest.mark.django_db
def test_a_rollback_leaves_no_row_and_sends_nothing(demo_subscriber, sent, commit):
    with commit():
        try:
            with transaction.atomic():
                publish_on_commit("demo_event", order_id=7)
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass
    assert not EventOutbox.objects.exists()
    assert sent == []


@pytest.mark.django_db
def test_an_event_whose_process_died_after_commit_is_relayed_after_the_grace_period_only(demo_subscriber, sent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _crashed_publish("demo_event", order_id=8)
    assert sent == [] and EventOutbox.objects.count() == 1

    # A live process publishes within milliseconds: a young row is left to it.
    assert sweep_event_outbox(now=start + RELAY_GRACE - timedelta(seconds=1)) == 0
    assert sent == [] and EventOutbox.objects.count() == 1

    with time_machine.travel(start + RELAY_GRACE, tick=False):
        assert extensions.run_sweeps(now=timezone.now(), only={"core.event_outbox"}) == {"core.event_outbox": 1}
    assert args_of(sent) == [("demo_event", "tests.core.test_event_outbox:record", {"order_id": 8})]
    assert not EventOutbox.objects.exists()
    assert sweep_event_outbox(now=start + RELAY_GRACE) == 0  # relayed once
    assert len(sent) == 1


@pytest.mark.django_db
def test_a_row_the_broker_refuses_stays_for_the_next_round(demo_subscriber, sent, monkeypatch, caplog):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _crashed_publish("demo_event", order_id=9)
    later = start + RELAY_GRACE + timedelta(seconds=1)

    def unreachable(*args, **kwargs):
        raise OperationalError("broker down")

    with monkeypatch.context() as broken:
        broken.setattr(deliver_subscriber_task, "apply_async", unreachable)
        assert sweep_event_outbox(now=later) == 0
    assert EventOutbox.objects.count() == 1
    assert calls == []  # not run inside the sweep either
    assert "kept for the next round" in caplog.text

    assert sweep_event_outbox(now=later) == 1
    assert args_of(sent) == [("demo_event", "tests.core.test_event_outbox:record", {"order_id": 9})]
    assert not EventOutbox.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_event_is_sent_at_once_without_a_row(demo_subscriber, sent):
    with CaptureQueriesContext(connection) as queries:
        publish_on_commit("demo_event", order_id=10)
    assert args_of(sent) == [("demo_event", "tests.core.test_event_outbox:record", {"order_id": 10})]
    assert len(queries) == 0
    assert not EventOutbox.objects.exists()


def test_the_relay_runs_early_in_the_payments_round():
    order = extensions.SWEEP_ORDER
    assert queue_for_sweep("core.event_outbox") == PAYMENTS
    assert order.index("core.event_outbox") < order.index("payments.expired")
    assert order.index("core.event_outbox") < order.index("distribution.unbooked_orders")


@pytest.mark.django_db
def test_without_a_broker_an_order_placed_and_paid_writes_no_outbox_row(buyer, commit, settings):
    assert not settings.CELERY_BROKER_URL
    sku = SkuFactory(price_fen=3990, stock=10)
    with commit(), CaptureQueriesContext(connection) as queries:
        mark_paid(place_order(buyer, (sku.id, 1)))
    assert not EventOutbox.objects.exists()
    assert not [q for q in queries if "core_eventoutbox" in q["sql"]]


@pytest.mark.django_db
def test_with_a_broker_the_outbox_costs_one_insert_and_one_delete_per_event(buyer, sent, commit, monkeypatch):
    sku = SkuFactory(price_fen=3990, stock=10)

    def statements() -> tuple[int, int]:
        first = len(sent)
        with commit(), CaptureQueriesContext(connection) as queries:
            mark_paid(place_order(buyer, (sku.id, 1)))
        events = {(args[0], str(args[2])) for args in args_of(sent)[first:]}
        return len(queries), len(events)

    with commit():
        mark_paid(place_order(buyer, (sku.id, 1)))  # warm up per-process caches
    with_outbox, events = statements()
    assert not EventOutbox.objects.exists()
    with monkeypatch.context() as direct:  # the after-commit send as it was before the outbox
        direct.setattr(
            extensions.event_sender,
            "_impls",
            {"celery": lambda e, p: transaction.on_commit(lambda: enqueue_subscribers(e, p))},
        )
        without_outbox, same_events = statements()
    assert events == same_events >= 1  # order_paid at least
    assert with_outbox - without_outbox == 2 * events


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_relays_never_take_the_same_row(demo_subscriber, sent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        EventOutbox.objects.create(event="demo_event", payload={"order_id": 11})
    later = start + RELAY_GRACE + timedelta(seconds=1)
    locked, release = threading.Event(), threading.Event()
    relayed_there: list[int] = []

    def other_worker() -> None:
        try:
            with transaction.atomic():
                list(EventOutbox.objects.select_for_update(skip_locked=True))  # a relay mid-round
                locked.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(timeout=20)
    try:
        relayed_there.append(sweep_event_outbox(now=later))  # skips the locked row, does not wait
    finally:
        release.set()
        thread.join(timeout=30)
    assert relayed_there == [0] and sent == []
    assert sweep_event_outbox(now=later) == 1
    assert len(sent) == 1
