"""A real Celery worker (in a thread, on kombu's in-memory broker) takes the events off the queues:
an order paid through a referral chain books its commission on the worker, and a subscriber that
fails is retried alone while the others ran once. Committed data, so transactional tests."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.db import transaction
from kombu import pools as kombu_pools

from fenxiao.celery import app
from fenxiao.core import event_tasks
from fenxiao.core.extensions import publish_on_commit, subscribe, unsubscribe
from fenxiao.core.models import EventOutbox
from fenxiao.core.task_routing import QUEUES
from fenxiao.distribution.models import CommissionRecord
from fenxiao.distribution.network.binding import referral_bind
from tests.catalog_factories import SkuFactory
from tests.distribution.support import balances, make_distributor, make_user
from tests.order_support import mark_paid, place_order

DEADLINE_SECONDS = 30


def _queued() -> int:
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        return sum(channel._size(queue) for queue in QUEUES)


def wait_until(done: Callable[[], bool]) -> None:
    """Poll the worker thread with a deadline (it is a real consumer, not a function call)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not done():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.05)


def idle() -> bool:
    """Nothing queued, nothing reserved (a retry waiting for its countdown is reserved), nothing
    running, twice in a row: a task that just finished may have queued more."""
    for _ in range(2):
        if _queued() or worker_state.reserved_requests or worker_state.active_requests:
            return False
        time.sleep(0.1)
    return True


def _forget_connections() -> None:
    """Drop the connection pools made for another broker (not ``app.close()``: that would also
    unregister the app, and tasks imported later would never be bound to it)."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(settings, monkeypatch) -> Iterator[None]:
    """A broker is configured for the test: the web side sends, the worker thread consumes. A
    message that could not be sent would run in the test's thread instead: that fails the test."""
    settings.CELERY_BROKER_URL = "memory://"
    settings.WECHAT_SANDBOX_ALLOWED = True  # a worker refuses an unannounced sandbox at start (fenxiao/celery.py)

    def not_sent(event, handler, payload):
        raise AssertionError(f"event {event}: {handler} was not sent to the broker")

    monkeypatch.setattr(event_tasks, "deliver_one", not_sent)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="memory://", task_always_eager=False)
    _forget_connections()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
            wait_until(idle)
    finally:
        app.conf.update(saved)
        _forget_connections()


@pytest.mark.django_db(transaction=True)
def test_an_order_paid_on_the_web_side_books_its_commission_on_the_worker(worker):
    top = make_distributor("alice")
    mid = make_distributor("bob", under=top)
    buyer = make_user("carol")
    referral_bind(user_id=buyer.id, code=mid.code, source="link")
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)

    order = mark_paid(place_order(buyer, (sku.id, 1)))

    wait_until(lambda: CommissionRecord.objects.filter(order=order).count() == 2)
    wait_until(idle)
    found = {(r.level, r.distributor_id): r.amount_fen for r in CommissionRecord.objects.filter(order=order)}
    assert found == {(1, mid.id): 1000, (2, top.id): 500}
    assert balances(mid).pending == 1000 and balances(top).pending == 500
    assert not EventOutbox.objects.exists()  # each event's outbox row went once it was sent


calls: list[str] = []


def flaky(**payload):
    calls.append("flaky")
    if calls.count("flaky") == 1:
        raise RuntimeError("first try fails")


def steady(**payload):
    calls.append("steady")


@pytest.fixture
def flaky_subscribers() -> Iterator[None]:
    calls.clear()
    subscribe("worker_demo", flaky)
    subscribe("worker_demo", steady)
    yield
    unsubscribe("worker_demo", flaky)
    unsubscribe("worker_demo", steady)
    calls.clear()


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_is_retried_alone_and_the_others_run_once(flaky_subscribers, worker):
    with transaction.atomic():
        publish_on_commit("worker_demo", order_id=1)

    wait_until(lambda: calls.count("flaky") == 2)
    wait_until(idle)
    assert sorted(calls) == ["flaky", "flaky", "steady"]
