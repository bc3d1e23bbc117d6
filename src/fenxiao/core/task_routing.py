"""Which Celery queue each piece of background work goes to, decided here and nowhere else.

Four queues, so that a burst of one kind of work never delays another and each can get its own
workers:

- ``payments``: money. Subscribers of the apps that move it (payments, orders, distribution:
  commission booked, reduced, settled, held by a risk case; payouts) and the sweeps that relay
  the events a dead web process left unsent (``core.event_outbox``), record payments, submit and
  follow refunds, cancel unpaid orders, confirm receipt and settle and pay commission.
- ``notifications``: the outbox's sends and the notification subscribers that word the messages.
- ``reports``: analytics rollup subscribers, the rollup reconciliation and the exports.
- ``default``: everything else (coupons given back, seckill units, group-buy seats, invites,
  login throttles, risk traces).

A subscriber is routed by the module that defines it (its stable name is ``module:qualname``), a
sweep by the app part of its ``SWEEP_ORDER`` name, a task by its name; the longest matching prefix
wins. Nothing here imports an app: the rules are strings, so the core stays below every app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DEFAULT = "default"
PAYMENTS = "payments"
NOTIFICATIONS = "notifications"
REPORTS = "reports"
QUEUES: tuple[str, ...] = (DEFAULT, PAYMENTS, NOTIFICATIONS, REPORTS)

# Subscribers, by the dotted module path that defines them.
SUBSCRIBER_RULES: Mapping[str, str] = {
    "fenxiao.payments": PAYMENTS,
    "fenxiao.orders": PAYMENTS,
    # Commission is booked, reduced, scheduled and held (fraud signals) by distribution's handlers.
    "fenxiao.distribution": PAYMENTS,
    "fenxiao.notifications": NOTIFICATIONS,
    "fenxiao.analytics": REPORTS,
}

# Sweeps, by their ``SWEEP_ORDER`` name (``app.rule``); an app prefix covers all its sweeps.
SWEEP_RULES: Mapping[str, str] = {
    # The outbox's relay sends events a dead web process left unsent, mostly money's (order_paid):
    # in the payments round, ahead of the commission repair sweep that would otherwise book them.
    "core.event_outbox": PAYMENTS,
    "payments": PAYMENTS,
    # The order sweeps run with the payment sweeps, after them, as SWEEP_ORDER says they must: an
    # unpaid order is cancelled only once the payment sweeps recorded what WeChat took.
    "orders": PAYMENTS,
    "distribution": PAYMENTS,
    "notifications": NOTIFICATIONS,
    "analytics": REPORTS,
    "exports": REPORTS,
}

# Tasks other than the two whose queue depends on their arguments (events and sweep rounds).
TASK_RULES: Mapping[str, str] = {
    "fenxiao.notifications.": NOTIFICATIONS,
    "fenxiao.exports.": REPORTS,
}

EVENT_TASK = "fenxiao.events.deliver"
SWEEP_TASK = "fenxiao.run_sweeps"


def _longest_prefix(name: str, rules: Mapping[str, str], *, sep: str) -> str:
    best, queue = -1, DEFAULT
    for prefix, target in rules.items():
        if (name == prefix or name.startswith(prefix if prefix.endswith(sep) else prefix + sep)) and len(prefix) > best:
            best, queue = len(prefix), target
    return queue


def queue_for_subscriber(subscriber: str) -> str:
    """The queue of a subscriber named ``module:qualname``."""
    module = subscriber.partition(":")[0]
    return _longest_prefix(module, SUBSCRIBER_RULES, sep=".")


def queue_for_sweep(name: str) -> str:
    return _longest_prefix(name, SWEEP_RULES, sep=".")


def sweep_groups(names: Iterable[str]) -> dict[str, list[str]]:
    """The sweeps by queue, each group in the order given (``SWEEP_ORDER``); queues without a
    sweep are left out. One beat entry runs each group."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(queue_for_sweep(name), []).append(name)
    return {queue: groups[queue] for queue in QUEUES if queue in groups}


def queue_for_task(name: str, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None) -> str:
    """The queue of a task message: an event's by its subscriber, a sweep round's by its group."""
    kwargs = kwargs or {}
    if name == EVENT_TASK:
        subscriber = kwargs.get("subscriber", args[1] if len(args) > 1 else "")
        return queue_for_subscriber(subscriber)
    if name == SWEEP_TASK:
        group = kwargs.get("group", args[0] if args else DEFAULT)
        return group if group in QUEUES else DEFAULT
    return _longest_prefix(name, TASK_RULES, sep=".")


def route_task(name: str, args: Sequence[Any], kwargs: Mapping[str, Any], options: Any, task: Any = None, **_: Any):
    """Celery's ``task_routes`` hook: every message sent without an explicit queue goes here."""
    return {"queue": queue_for_task(name, args, kwargs)}
