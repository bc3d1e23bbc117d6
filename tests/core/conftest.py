"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest

from fenxiao.core.event_tasks import deliver_subscriber_task


@pytest.fixture
def sent(settings, monkeypatch):
    """A broker is configured; what would be sent to it is captured instead."""
    settings.CELERY_BROKER_URL = "memory://"
    messages: list[dict] = []

    def apply_async(args=None, kwargs=None, **options):
        messages.append({"args": args, "kwargs": kwargs, **options})

    monkeypatch.setattr(deliver_subscriber_task, "apply_async", apply_async)
    return messages
