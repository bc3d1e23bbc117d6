"""Domain events run after commit, never after a rollback, and one failing subscriber does not
stop the others."""

from __future__ import annotations

import pytest
from django.db import transaction

from fenxiao.core.events import publish_on_commit, subscribe, unsubscribe


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
