"""Domain events published after commit, so a higher layer can react to a lower one without the
lower one importing it (DESIGN §2: distribution books commission on ``order_paid``; orders never
imports distribution).

A service calls ``publish_on_commit("order_paid", order_id=...)`` inside its transaction. When the
transaction commits, every subscriber runs with the payload; if it rolls back, nothing runs. A
subscriber that fails is logged and does not undo the commit or stop the other subscribers, so each
subscriber must be an idempotent service (its own unique keys make a replay add nothing).

Event names and payloads are a published contract:

- ``order_created(order_id)``
- ``order_paid(order_id)``
- ``order_cancelled(order_id)``
- ``order_received(order_id)`` (by the buyer or automatically; the after-sales window starts)
- ``order_line_refunded(order_id, order_line_id, amount_fen, quantity, refund_id)``
- ``order_closed(order_id)``
- ``order_completed(order_id)``
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]
_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str, handler: Handler) -> None:
    """Register ``handler(**payload)`` for ``event``; registering the same handler twice is a no-op
    (AppConfig.ready may run more than once in tests)."""
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def unsubscribe(event: str, handler: Handler) -> None:
    if handler in _subscribers[event]:
        _subscribers[event].remove(handler)


def subscribers(event: str) -> list[Handler]:
    return list(_subscribers[event])


def deliver(event: str, **payload: Any) -> None:
    """Run every subscriber now. Each runs on its own: one failing never stops the others."""
    for handler in subscribers(event):
        try:
            handler(**payload)
        except Exception:
            logger.exception(
                "event %s: subscriber %s failed for %s", event, getattr(handler, "__qualname__", handler), payload
            )


def publish_on_commit(event: str, **payload: Any) -> None:
    """Deliver ``event`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: deliver(event, **payload))
