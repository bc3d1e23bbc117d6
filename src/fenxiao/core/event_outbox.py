"""The transactional outbox of events published with a broker (``CELERY_BROKER_URL``).

Without it, an event leaves the web process in an after-commit callback: a process killed between
its COMMIT and that callback (kill -9, an OOM, a lost node) takes the event with it, and only the
subscribers that have a repair sweep of their own ever catch up. So, with a broker and inside a
transaction, ``outbox_publish`` writes the event as an ``EventOutbox`` row in the caller's own
transaction (it commits or rolls back with the work it announces); after the commit the same
process sends one message per subscriber (``core.event_tasks.enqueue_subscribers``, as before)
and deletes the row by its primary key. Cost per event: one INSERT and one DELETE.

Outside a transaction (autocommit) what the event announces is already committed, and there is no
transaction to write the row in: the event is sent at once, as before the outbox. Without a broker
nothing here runs: subscribers run in the web process after commit (``core.extensions``), and the
table is never written.

A row that outlives ``RELAY_GRACE`` belongs to a process that died between COMMIT and publish (a
live one publishes within milliseconds): the ``core.event_outbox`` sweep sends it and deletes it.
It locks the rows it relays with ``SKIP LOCKED`` on PostgreSQL, so two workers never relay the same
row in one round; a row whose send fails (the broker refused it) stays for the next round. A row
may still be sent twice: a process that died after sending and before deleting, or a transaction
that stayed open longer than the grace period, racing its own after-commit send. That is harmless:
subscribers are idempotent services whose unique keys make a replay add nothing
(``core.extensions``)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from fenxiao.core.event_tasks import enqueue_subscribers, send_subscribers
from fenxiao.core.extensions import deliver
from fenxiao.core.models import EventOutbox

logger = logging.getLogger(__name__)

# How old a row must be before the relay takes it for lost: a live process sends its events
# within milliseconds of its commit, so 30 s means its process is gone.
RELAY_GRACE = timedelta(seconds=30)
# Rows relayed per round at most; the rest wait for the next round.
RELAY_BATCH = 500


def outbox_publish(event: str, payload: dict[str, Any]) -> None:
    """The broker's ``core.extensions.event_sender``: inside a transaction, the event is written
    now and sent after commit; in autocommit, it is sent at once."""
    if not transaction.get_connection().in_atomic_block:
        enqueue_subscribers(event, payload)
        return
    row_id = EventOutbox.objects.create(event=event, payload=payload).pk
    transaction.on_commit(lambda: _send_and_forget(row_id, event, payload))


def _send_and_forget(row_id: int, event: str, payload: dict[str, Any]) -> None:
    enqueue_subscribers(event, payload)
    try:
        EventOutbox.objects.filter(pk=row_id).delete()
    except Exception:
        # The event went out; the row left behind is relayed again later, which adds nothing.
        logger.exception("event %s: sent, but its outbox row %s could not be deleted", event, row_id)


def sweep_event_outbox(*, now: datetime) -> int:
    """Relay the events whose process died between COMMIT and publish (rows older than
    ``RELAY_GRACE``), oldest first; returns how many were sent and deleted."""
    sent: list[int] = []
    with transaction.atomic():
        rows = list(
            EventOutbox.objects.select_for_update(skip_locked=True)
            .filter(created_at__lte=now - RELAY_GRACE)
            .order_by("id")[:RELAY_BATCH]
        )
        for row in rows:
            try:
                _relay(row.event, row.payload)
            except Exception:
                logger.exception(
                    "event outbox: could not relay %s %s (row %s); kept for the next round",
                    row.event,
                    row.payload,
                    row.pk,
                )
                continue
            sent.append(row.pk)
        if sent:
            EventOutbox.objects.filter(pk__in=sent).delete()
    if sent:
        logger.warning("event outbox: relayed %d events whose process died before publishing them", len(sent))
    return len(sent)


def _relay(event: str, payload: dict[str, Any]) -> None:
    if settings.CELERY_BROKER_URL:
        send_subscribers(event, payload)
    else:
        # Rows left from a time with a broker, now run without one: here, as every event is.
        deliver(event, **payload)
