"""Events delivered by Celery workers when a broker is configured (``CELERY_BROKER_URL``).

On commit, each subscriber of the event becomes its own task message carrying the event's name,
the subscriber's stable name (``module:qualname``) and the JSON payload, sent to the subscriber's
queue (``core.task_routing``). So a failing subscriber is retried alone, with backoff, and never
runs the others again; subscribers are idempotent (``core.extensions``), so a retry or a
redelivery after a worker died adds nothing.

The worker finds the subscriber again in the registry by its name. A name it does not know (a
worker older than the web node that published, or a subscriber since removed) is logged as an
error and the task fails, retried like any failure so a rolling deploy catches up; after the last
try Celery counts it as a failed task. It is never dropped in silence."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from fenxiao.core.extensions import deliver_one, subscriber_name, subscriber_named, subscribers
from fenxiao.core.task_policy import retry_policy
from fenxiao.core.task_routing import EVENT_TASK, queue_for_subscriber

logger = logging.getLogger(__name__)


class UnknownSubscriber(LookupError):
    """The message names a subscriber this process has not registered for the event."""


@shared_task(name=EVENT_TASK, ignore_result=True, **retry_policy(retry_on=(Exception,)))
def deliver_subscriber_task(event: str, subscriber: str, payload: dict[str, Any]) -> None:
    handler = subscriber_named(event, subscriber)
    if handler is None:
        logger.error("event %s: no subscriber %s in this process (payload %s)", event, subscriber, payload)
        raise UnknownSubscriber(f"event {event}: unknown subscriber {subscriber}")
    try:
        handler(**payload)
    except Exception:
        logger.exception("event %s: subscriber %s failed for %s; retrying", event, subscriber, payload)
        raise


def _send(event: str, name: str, payload: dict[str, Any]) -> None:
    deliver_subscriber_task.apply_async(args=(event, name, payload), queue=queue_for_subscriber(name))


def enqueue_subscribers(event: str, payload: dict[str, Any]) -> None:
    """One message per subscriber, to its queue. A message that cannot be sent (the broker is
    down) is not lost: that subscriber runs here and now, as it would without a broker."""
    for handler in subscribers(event):
        name = subscriber_name(handler)
        try:
            _send(event, name, payload)
        except Exception:
            logger.exception("event %s: could not queue %s; running it in this process", event, name)
            deliver_one(event, handler, payload)


def send_subscribers(event: str, payload: dict[str, Any]) -> None:
    """One message per subscriber, to its queue, or the broker's error raised: for the outbox's
    relay (``core.event_outbox``), which keeps the event for its next round rather than running
    subscribers inside its own sweep. Subscribers already sent get the event again then, which
    they ignore (idempotent)."""
    for handler in subscribers(event):
        _send(event, subscriber_name(handler), payload)
