"""Where each parcel is, stored per shipment: the provider's last answer (a poll or a push) is
kept on the ``Shipment`` row, so pages read the database and a view never bills a query.

A trace moves three ways: a page finds it stale (``TRACKING_STALE_AFTER``) and asks once; the
sweep polls undelivered parcels on a schedule (less often when the provider pushes) and subscribes
new ones to the push; 快递100's push arrives (``trace_push_receive``). All three end in
``shipment_trace_record``, which never lets an older answer replace a newer one and stamps
``delivered_at`` the first time the carrier reports the parcel signed (an ``parcel_delivered``
order event; the early automatic receipt counts from it, see ``sweeps.py``).

No row lock is held while the provider is asked: the HTTP call happens first, the record after."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fenxiao.core.errors import DomainError
from fenxiao.integrations.kuaidi100.push import PushStatus, push_parse
from fenxiao.integrations.kuaidi100.types import Kuaidi100Error
from fenxiao.orders.errors import OrderError
from fenxiao.orders.locks import lock_order
from fenxiao.orders.models import Order, OrderStatus, Shipment
from fenxiao.orders.shipping.kuaidi100 import trace_events
from fenxiao.orders.shipping.providers import tracking_provider
from fenxiao.orders.shipping.selectors import shipment_list_for_order
from fenxiao.orders.shipping.tracking import (
    TrackingEvent,
    TrackingProvider,
    TrackingStatus,
    carrier_for_kuaidi100,
)
from fenxiao.orders.transitions import order_event_add

logger = logging.getLogger(__name__)
SWEEP_BATCH = 200
# Orders whose parcels are still worth following: partly shipped or on their way.
TRACKED = (OrderStatus.PAID, OrderStatus.SHIPPED)


def _dump(events: Sequence[TrackingEvent]) -> list[dict]:
    return [
        {"time": e.time.isoformat(), "status": e.status, "description": e.description, "location": e.location}
        for e in events
    ]


def stored_events(shipment: Shipment) -> list[TrackingEvent]:
    """The stored trace, newest first."""
    events = []
    for item in shipment.trace or []:
        moment = parse_datetime(str(item.get("time") or ""))
        if moment is None:
            continue
        events.append(
            TrackingEvent(
                time=moment,
                status=str(item.get("status") or ""),
                description=str(item.get("description") or ""),
                location=str(item.get("location") or ""),
            )
        )
    return sorted(events, key=lambda e: e.time, reverse=True)


def _phone_tail(order: Order) -> str:
    return order.receiver_phone[-4:]


@transaction.atomic
def shipment_trace_record(*, shipment_id: int, events: Sequence[TrackingEvent], now: datetime) -> Shipment:
    """Store a provider's answer. An answer with fewer events, or an older newest event, than what
    is stored is late or partial (a push overtaken by a poll): only the check time moves."""
    order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise OrderError("SHIPMENT_NOT_FOUND", "发货单不存在", status=404)
    order = lock_order(order_id)
    shipment = Shipment.objects.get(pk=shipment_id)
    fresh = sorted(events, key=lambda e: e.time, reverse=True)
    stored = stored_events(shipment)
    fields = ["trace_checked_at"]
    shipment.trace_checked_at = now
    newer = fresh and (not stored or (fresh[0].time, len(fresh)) >= (stored[0].time, len(stored)))
    if newer:
        shipment.trace = _dump(fresh)
        shipment.trace_status = fresh[0].status
        fields += ["trace", "trace_status"]
        signed = next((e for e in fresh if e.status == TrackingStatus.SIGNED), None)
        if signed is not None and shipment.delivered_at is None:
            shipment.delivered_at = min(signed.time, now)
            fields.append("delivered_at")
            order_event_add(
                order,
                type="parcel_delivered",
                note=f"{shipment.carrier_name} {shipment.tracking_no}",
                data={"shipment_id": shipment.id, "delivered_at": shipment.delivered_at.isoformat()},
            )
    shipment.save(update_fields=fields)
    return shipment


def shipment_trace_refresh(
    *, shipment_id: int, now: datetime | None = None, provider: TrackingProvider | None = None
) -> bool:
    """Ask the provider about one parcel and store the answer. Call with no transaction open (an
    HTTP call). A provider failure keeps the stored trace, stamps the check time (so a broken
    provider is not asked again on every page view) and answers False."""
    now = now or timezone.now()
    shipment = Shipment.objects.select_related("order").filter(pk=shipment_id).first()
    if shipment is None:
        return False
    provider = provider or tracking_provider()
    try:
        events = provider.events(shipment.carrier_code, shipment.tracking_no, _phone_tail(shipment.order))
    except (Kuaidi100Error, DomainError) as exc:
        logger.warning("tracking query failed for shipment %s: %s", shipment_id, exc)
        Shipment.objects.filter(pk=shipment_id).update(trace_checked_at=now)
        return False
    shipment_trace_record(shipment_id=shipment_id, events=events, now=now)
    return True


def _stale(shipment: Shipment, now: datetime) -> bool:
    if shipment.delivered_at is not None:
        return False
    return shipment.trace_checked_at is None or shipment.trace_checked_at <= now - settings.TRACKING_STALE_AFTER


Traced = tuple[Shipment, list[TrackingEvent]]


def shipment_traces_for_order(*, order: Order, now: datetime | None = None) -> list[Traced]:
    """The order's parcels, each with its stored trace (newest first); a stale one is asked again
    first, so the shopper who looks sees the news without waiting for the sweep."""
    now = now or timezone.now()
    answer = []
    for shipment in shipment_list_for_order(order=order):
        asked = _stale(shipment, now) and order.status in (*TRACKED, OrderStatus.RECEIVED)
        if asked and shipment_trace_refresh(shipment_id=shipment.id, now=now):
            shipment.refresh_from_db(fields=["trace", "trace_status", "trace_checked_at", "delivered_at"])
        answer.append((shipment, stored_events(shipment)))
    return answer


def trace_push_receive(*, param: str, sign: str, now: datetime | None = None) -> bool:
    """A 快递100 push: verified with our salt before anything is read. Answers whether a parcel of
    ours was updated; a push about a number we do not know is accepted and ignored (it would be
    pushed again forever otherwise)."""
    try:
        push = push_parse(param=param, sign=sign, salt=settings.KUAIDI100_SALT)
    except Kuaidi100Error as exc:
        raise OrderError("TRACKING_PUSH_REJECTED", f"物流推送无效：{exc.message}") from None
    carrier = carrier_for_kuaidi100(push.trace.company)
    number = push.trace.number.strip().upper()
    shipment = (
        Shipment.objects.filter(carrier_code=carrier.code, tracking_no=number).first() if carrier and number else None
    )
    if shipment is None:
        logger.info("kuaidi100 push for an unknown parcel %s %s", push.trace.company, push.trace.number)
        return False
    shipment_trace_record(shipment_id=shipment.id, events=trace_events(push.trace), now=now or timezone.now())
    if push.status == PushStatus.ABORT:
        logger.info("kuaidi100 stopped following shipment %s: %s", shipment.id, push.message)
    return True


def _subscribe_new(provider: TrackingProvider, base, now: datetime) -> None:
    for shipment in base.filter(trace_subscribed_at__isnull=True).select_related("order").order_by("id")[:SWEEP_BATCH]:
        order = shipment.order
        try:
            provider.subscribe(
                shipment.carrier_code,
                shipment.tracking_no,
                _phone_tail(order),
                f"{order.province}{order.city}{order.district}",
            )
        except (Kuaidi100Error, DomainError) as exc:
            logger.warning("tracking subscription failed for shipment %s: %s", shipment.id, exc)
            continue
        Shipment.objects.filter(pk=shipment.pk).update(trace_subscribed_at=now)


def sweep_parcel_traces(*, now: datetime) -> int:
    """Subscribe new parcels to the provider's push (when it has one) and poll undelivered parcels
    whose trace is older than the polling interval, until delivered or given up on. Returns how
    many traces were refreshed."""
    provider = tracking_provider()
    base = Shipment.objects.filter(
        delivered_at__isnull=True,
        created_at__gte=now - settings.TRACKING_GIVE_UP_AFTER,
        order__status__in=TRACKED,
    )
    if provider.pushes:
        _subscribe_new(provider, base, now)
    every = settings.TRACKING_POLL_EVERY_WITH_PUSH if provider.pushes else settings.TRACKING_POLL_EVERY
    due = list(
        base.filter(Q(trace_checked_at__isnull=True) | Q(trace_checked_at__lte=now - every))
        .order_by("trace_checked_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    refreshed = 0
    for shipment_id in due:
        try:
            refreshed += shipment_trace_refresh(shipment_id=shipment_id, now=now, provider=provider)
        except Exception:
            logger.exception("tracking sweep failed for shipment %s", shipment_id)
    return refreshed
