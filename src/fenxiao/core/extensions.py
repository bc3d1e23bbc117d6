"""Every way one app plugs into another, in one module (DESIGN §2: a lower layer never imports a
higher one; the higher one plugs in here at start-up, from its ``AppConfig.ready``).

There are three kinds, and they are never mixed:

**Hooks** run *inside the caller's transaction* and may answer or refuse: what they write commits
or rolls back with the caller's work, so they must be small writes and never call WeChat. A
``HookPoint`` is declared by the layer that calls it, next to the types it passes:

- ``payments.hooks.order_port`` (one implementation, from orders): the order behind a payment:
  its lock, its payable terms, "money arrived: take it or refuse it", "a refund finished".
- ``orders.pricing_hooks.discount_providers`` (promotions: seckill, group-buy, coupon, in that
  order): discounts at every quote, consumed when the order is written.
- ``orders.placement_hooks.placement_hooks`` (distribution): written with every new order (the
  referral chain snapshot).
- ``distribution.compliance.hooks.invite_facts_providers`` (one implementation, from promotions'
  invites): read-only, the invite campaigns' counts the compliance report judges.

**Events** run *after commit*, each subscriber on its own: a failing one is logged and neither
undoes the commit nor stops the others, so subscribers are idempotent services (their unique keys
make a replay add nothing). With a broker each subscriber runs as its own task on a worker, retried
alone (``core.event_tasks``); payloads are therefore JSON: ints, strings, lists. With a broker an
event published inside a transaction is also written to the outbox table in that transaction
(``core.event_outbox``), so a web process killed between COMMIT and publish loses nothing: the
``core.event_outbox`` sweep sends what it left. Outside a transaction the data is already
committed and the event is sent at once. Names and payloads are a published contract:

- ``order_created(order_id)``
- ``order_paid(order_id)``
- ``order_cancelled(order_id)``
- ``order_received(order_id)`` (by the buyer or automatically; the after-sales window starts)
- ``order_line_refunded(order_id, order_line_id, amount_fen, quantity, refund_id)``
- ``order_closed(order_id)``
- ``order_completed(order_id)``
- ``invite_accepted(invite_id, inviter_id)`` (promotions: a new user accepted an invitation)
- ``referral_bound(user_id, distributor_id)`` (distribution: a binding was made or moved)
- ``risk_case_cleared(case_id, order_ids)`` (risk: an operator cleared a case; the commission it
  held may settle at once)
- ``commission_changed(order_id)`` (distribution: commission booked for the order, or reduced by
  a refund, whether by the event handlers or by their repair sweeps)
- ``distributor_joined(distributor_id, user_id)`` (distribution: a user became a distributor, by
  any policy)
- ``order_shipped(order_id, shipment_id)`` (orders: a parcel left, whether or not it completes
  the order)
- ``group_buy_succeeded(group_id)`` / ``group_buy_failed(group_id)`` (promotions: the last seat
  was paid / the deadline passed with seats empty, its paid members are being refunded)
- ``commission_settled(distributor_id, commission_ids)`` (distribution: those records of the
  distributor became withdrawable, in one settlement batch)
- ``withdrawal_paid(withdrawal_id)`` / ``withdrawal_failed(withdrawal_id)`` (distribution: the
  money arrived, by WeChat or bank / it came back: rejected by the operator or a failed transfer)
- ``distributor_application_approved(application_id)`` /
  ``distributor_application_rejected(application_id)`` (distribution: an application reviewed,
  approval by the "everyone" policy included)
- ``complaint_answered(complaint_id, reply_id)`` (risk: an operator replied, or, with
  ``reply_id`` None, resolved or rejected the complaint)

**Sweeps** are the timed rules: idempotent functions of "now" that find what is due and do it
through the same services a person would use. Celery beat runs them in production, one round
per queue's group of sweeps (``core.tasks``, ``core.task_routing``); without a broker a thread of
the web process runs them (``core.sweeper``); ``fenxiao sweep`` runs them once by hand. A round
runs them in ``SWEEP_ORDER``, written out below rather than left to ``INSTALLED_APPS``: a sweep
may only be registered under a name listed there."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")


# -- hooks: inside the caller's transaction ---------------------------------------------------


class HookPoint(Generic[T]):
    """Implementations of one hook, by key, in registration order. Registering a key again
    replaces it in place (``AppConfig.ready`` may run more than once in tests)."""

    def __init__(self, name: str, *, single: bool = False) -> None:
        self.name = name
        self.single = single
        self._impls: dict[str, T] = {}

    def register(self, key: str, impl: T) -> None:
        if self.single and self._impls and key not in self._impls:
            raise RuntimeError(f"hook {self.name} takes one implementation; {list(self._impls)} is registered")
        self._impls[key] = impl

    def unregister(self, key: str) -> None:
        self._impls.pop(key, None)

    def all(self) -> list[T]:
        return list(self._impls.values())

    def one(self) -> T:
        """The single implementation; a missing one is a deployment error, named as such."""
        if not self._impls:
            raise RuntimeError(f"nothing implements hook {self.name} (is the app that provides it installed?)")
        return next(iter(self._impls.values()))


# -- events: after commit ------------------------------------------------------------------

Handler = Callable[..., Any]
_subscribers: dict[str, list[Handler]] = {}


def subscribe(event: str, handler: Handler) -> None:
    """Register ``handler(**payload)`` for ``event``; registering the same handler twice is a no-op."""
    handlers = _subscribers.setdefault(event, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event: str, handler: Handler) -> None:
    if handler in _subscribers.get(event, []):
        _subscribers[event].remove(handler)


def subscribers(event: str) -> list[Handler]:
    return list(_subscribers.get(event, []))


# With a broker: what turns an event into task messages, called when the event is published, in
# the caller's transaction; it decides when to send (``core.event_outbox``: a row now, the messages
# after commit), registered by ``core.apps``; a hook so that this module stays free of Celery.
EventSender = Callable[[str, dict[str, Any]], None]
event_sender: HookPoint[EventSender] = HookPoint("core.event_sender", single=True)


def subscriber_name(handler: Handler) -> str:
    """The stable name a worker finds a subscriber by: ``module:qualname``."""
    return f"{handler.__module__}:{handler.__qualname__}"


def subscriber_named(event: str, name: str) -> Handler | None:
    """The subscriber of ``event`` called ``name`` (``subscriber_name``), or None."""
    return next((handler for handler in subscribers(event) if subscriber_name(handler) == name), None)


def deliver_one(event: str, handler: Handler, payload: dict[str, Any]) -> None:
    """Run one subscriber now; a failure is logged, never raised."""
    try:
        handler(**payload)
    except Exception:
        logger.exception(
            "event %s: subscriber %s failed for %s", event, getattr(handler, "__qualname__", handler), payload
        )


def deliver(event: str, **payload: Any) -> None:
    """Run every subscriber now. Each runs on its own: one failing never stops the others."""
    for handler in subscribers(event):
        deliver_one(event, handler, payload)


def publish_on_commit(event: str, **payload: Any) -> None:
    """Deliver ``event`` once the current transaction commits (at once outside a transaction); if
    it rolls back, nothing runs. Without a broker the subscribers run in this process after the
    commit; with one (``CELERY_BROKER_URL``), each becomes its own task on a worker
    (``core.event_tasks``), through the transactional outbox (``core.event_outbox``)."""
    if settings.CELERY_BROKER_URL:
        event_sender.one()(event, payload)
    else:
        transaction.on_commit(lambda: deliver(event, **payload))


# -- sweeps: the timed rules, in a written order ---------------------------------------------

# Money first: a payment WeChat took is recorded (and its order paid) before the order sweep
# would cancel that order as unpaid; refunds are submitted before orders look for stuck ones;
# commission is booked, scheduled and settled before payouts run; promotions tidy up; the
# analytics rollups are proven against what all of that left, last.
SWEEP_ORDER: tuple[str, ...] = (
    "core.planner_statistics",  # first: the round's own reads plan on current statistics
    "core.event_outbox",  # early: events a dead web process left committed and unsent go out
    "accounts.login_throttles",
    "accounts.refresh_families",
    "payments.expired",
    "payments.unconfirmed",
    "payments.refunds_unsubmitted",
    "payments.refunds_processing",
    "payments.refused_payments",
    "orders.cancel_unpaid",
    "orders.parcel_traces",  # before auto_receive: a parcel signed this round may start its timer
    "orders.auto_receive",
    "orders.complete",
    "orders.stuck_refunds",
    "orders.shipping_uploads",
    "distribution.unbooked_orders",
    "distribution.unsynced_refunds",
    "distribution.unscheduled_commission",
    "distribution.settle_commission",
    "distribution.payouts",
    "promotions.expire_coupons",
    "promotions.seckill_gates",
    "promotions.group_buy_deadlines",
    "invites.repair",
    "exports.expired_files",
    "risk.client_traces",
    "notifications.outbox",
    "analytics.reconcile",
)

Sweep = Callable[..., int]
_sweeps: dict[str, Sweep] = {}


def register_sweep(name: str, sweep: Sweep) -> None:
    """``sweep(now=...)`` returns how many things it handled. ``name`` must be in ``SWEEP_ORDER``."""
    if name not in SWEEP_ORDER:
        raise ValueError(f"sweep {name!r} is not in core.extensions.SWEEP_ORDER: add it where it must run")
    _sweeps[name] = sweep


def registered_sweeps() -> dict[str, Sweep]:
    """The registered sweeps, in the order a round runs them."""
    return {name: _sweeps[name] for name in SWEEP_ORDER if name in _sweeps}


def run_sweeps(*, now: datetime, only: Collection[str] | None = None) -> dict[str, int]:
    """Run every sweep (or those named in ``only``) once, in ``SWEEP_ORDER``. One failing sweep is
    logged and does not stop the others; its count is -1 so a caller can tell."""
    counts: dict[str, int] = {}
    for name, sweep in registered_sweeps().items():
        if only is not None and name not in only:
            continue
        try:
            counts[name] = sweep(now=now)
        except Exception:
            logger.exception("sweep %s failed", name)
            counts[name] = -1
    return counts
