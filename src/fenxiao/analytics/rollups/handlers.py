"""Where the order events and the sweep reach the rollups: each handler calls one idempotent
service, so a replayed event adds nothing (DESIGN §2)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache

from fenxiao.analytics.periods import local_day
from fenxiao.analytics.rollups.facts import buyer_conversion_refresh, order_fact_refresh, order_refunds_refresh
from fenxiao.analytics.rollups.rebuild import rollups_rebuild_day


def on_order_paid(*, order_id: int, **_payload) -> None:
    """The commission distribution books for the same event follows as ``commission_changed``."""
    order_fact_refresh(order_id=order_id)


def on_order_refunded(*, order_id: int, **_payload) -> None:
    """A refund moves the refunds of its day and, through reversals, the order's commission."""
    order_fact_refresh(order_id=order_id)
    order_refunds_refresh(order_id=order_id)


def on_commission_changed(*, order_id: int) -> None:
    """Commission booked or reduced outside the payment and refund events (their repair sweeps)."""
    order_fact_refresh(order_id=order_id)


def on_distributor_joined(*, user_id: int, **_payload) -> None:
    """A buyer who joins within the window after their first order converted (消费者转分销商)."""
    buyer_conversion_refresh(user_id=user_id)


def sweep_reconcile(*, now: datetime) -> int:
    """Rebuild yesterday and today from the source and prove them equal, at most once every
    ``ANALYTICS_RECONCILE_MINUTES`` per day; returns how many days had to be repaired. Yesterday
    is included because the last events of a day can land after midnight."""
    every = timedelta(minutes=settings.ANALYTICS_RECONCILE_MINUTES)
    repaired = 0
    today = local_day(now)
    for day in (today - timedelta(days=1), today):
        key = f"analytics:reconciled:{day.isoformat()}"
        last = cache.get(key)
        if last is not None and now - datetime.fromisoformat(last) < every:
            continue
        repaired += rollups_rebuild_day(day=day).repaired
        cache.set(key, now.isoformat(), timeout=int(every.total_seconds()) * 2 + 60)
    return repaired
