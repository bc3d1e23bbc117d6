"""How the mall's Celery tasks are retried, in one place so every task says the same thing.

Every task is idempotent (a redelivered or retried message adds nothing: the event subscribers
and the sweeps are, by their unique keys and state-driven updates; an outbox row or an export job
is claimed by a conditional update), which is what makes ``acks_late`` and these retries safe.

A transient failure (the database or Redis unreachable for a moment, a broken connection) is
retried with exponential backoff and full jitter, so that workers coming back after an outage do
not all hit the database in the same second, up to ``TASK_MAX_RETRIES`` times."""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
    BrokerOperationalError,
    ConnectionError,
    TimeoutError,
)


def retry_policy(*, retry_on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS) -> dict[str, Any]:
    """The retry options of ``@shared_task``: backoff 1 s, 2 s, 4 s, ... capped, with jitter."""
    return {
        "autoretry_for": retry_on,
        "retry_backoff": True,
        "retry_backoff_max": settings.TASK_RETRY_BACKOFF_MAX_SECONDS,
        "retry_jitter": True,
        "max_retries": settings.TASK_MAX_RETRIES,
    }
