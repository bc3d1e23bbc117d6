"""Events with a broker: after commit, one task message per subscriber, to the subscriber's queue,
with the event, the subscriber's stable name and the JSON payload; nothing on a rollback; a
message that cannot be sent runs in the process instead of being lost. The worker's side finds
the subscriber by name and refuses a name it does not know. Without a broker nothing changes
(tests/core/test_extensions.py)."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from fenxiao.core import extensions
from fenxiao.core.event_tasks import UnknownSubscriber, deliver_subscriber_task
from fenxiao.core.extensions import publish_on_commit, subscribe, subscriber_name, subscribers, unsubscribe

calls: list[tuple[str, dict]] = []


def record(**payload):
    calls.append(("record", payload))


def broken(**payload):
    raise RuntimeError("subscriber bug")


@pytest.fixture
def demo_subscribers():
    calls.clear()
    subscribe("demo_event", broken)
    subscribe("demo_event", record)
    yield
    unsubscribe("demo_event", broken)
    unsubscribe("demo_event", record)
    calls.clear()


def test_a_subscriber_is_named_by_module_and_qualname():
    assert subscriber_name(record) == "tests.core.test_event_tasks:record"
    handler = extensions.subscriber_named("order_paid", "fenxiao.distribution.handlers:on_order_paid")
    assert handler is not None and subscriber_name(handler) == "fenxiao.distribution.handlers:on_order_paid"
    assert extensions.subscriber_named("order_paid", "fenxiao.nowhere:gone") is None


@pytest.mark.django_db
def test_each_subscriber_becomes_one_message_to_its_queue_only_after_commit(demo_subscribers, sent, commit):
    with commit(), transaction.atomic():
        publish_on_commit("demo_event", order_id=7, order_ids=[1, 2])
        assert sent == []  # not before the commit
    assert calls == []  # nothing ran in this process
    assert sent == [
        {
            "args": ("demo_event", "tests.core.test_event_tasks:broken", {"order_id": 7, "order_ids": [1, 2]}),
            "kwargs": None,
            "queue": "default",
        },
        {
            "args": ("demo_event", "tests.core.test_event_tasks:record", {"order_id": 7, "order_ids": [1, 2]}),
            "kwargs": None,
            "queue": "default",
        },
    ]
    assert json.loads(json.dumps(sent[0]["args"])) == list(sent[0]["args"])


@pytest.mark.django_db
def test_a_real_event_reaches_the_queues_of_its_subscribers(sent, commit):
    with commit():
        publish_on_commit("order_paid", order_id=42)

    by_name = {m["args"][1]: m["queue"] for m in sent}
    assert list(by_name) == [subscriber_name(h) for h in subscribers("order_paid")]
    assert by_name["fenxiao.distribution.handlers:on_order_paid"] == "payments"
    assert by_name["fenxiao.analytics.rollups.handlers:on_order_paid"] == "reports"
    assert {m["args"][0] for m in sent} == {"order_paid"}
    assert all(m["args"][2] == {"order_id": 42} for m in sent)


@pytest.mark.django_db
def test_nothing_is_sent_after_a_rollback(demo_subscribers, sent, commit):
    with commit():
        try:
            with transaction.atomic():
                publish_on_commit("demo_event", order_id=7)
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass
    assert sent == []
    assert calls == []


@pytest.mark.django_db
def test_a_message_the_broker_refuses_runs_here_instead_of_being_lost(demo_subscribers, settings, monkeypatch, commit):
    settings.CELERY_BROKER_URL = "memory://"

    def unreachable(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(deliver_subscriber_task, "apply_async", unreachable)
    with commit():
        publish_on_commit("demo_event", order_id=9)
    assert calls == [("record", {"order_id": 9})]


def test_the_worker_runs_the_named_subscriber_with_the_payload(demo_subscribers):
    deliver_subscriber_task("demo_event", "tests.core.test_event_tasks:record", {"order_id": 5})
    assert calls == [("record", {"order_id": 5})]


def test_the_worker_refuses_a_subscriber_it_does_not_know_and_says_so(demo_subscribers, caplog):
    with caplog.at_level(logging.ERROR), pytest.raises(UnknownSubscriber):
        deliver_subscriber_task("demo_event", "tests.core.test_event_tasks:gone", {"order_id": 5})
    assert "no subscriber tests.core.test_event_tasks:gone" in caplog.text
    assert calls == []


def test_a_failing_subscriber_fails_its_own_task_with_a_log(demo_subscribers, caplog):
    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError, match="subscriber bug"):
        deliver_subscriber_task("demo_event", "tests.core.test_event_tasks:broken", {"order_id": 5})
    assert "subscriber tests.core.test_event_tasks:broken failed" in caplog.text
