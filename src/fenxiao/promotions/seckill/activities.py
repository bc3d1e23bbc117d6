"""Operator services for seckill activities: create, update, pause, resume, report. The operator
API and the admin call these, so both check the same rules.

With Redis on, each activity's gate (``seckill.gate``) carries what refusing a request needs: the
stock left, the units each shopper holds, the window, the limit and the pause switch. It is seeded
from the database when the activity is created (and by the first request or the sweep if that was
missed), every change here reaches it while the activity's row is locked, and
``sweep_seckill_gates`` resets it from the database whenever no purchase is in flight, so a unit
whose give-back never arrived is not lost for good."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import redis
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from fenxiao.core.errors import Conflict, DomainError, NotFound
from fenxiao.core.redis import log_without_redis
from fenxiao.promotions.activities import rules
from fenxiao.promotions.activities.lifecycle import ActivityKind
from fenxiao.promotions.locks import lock_seckill_activity
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus, SeckillStatus
from fenxiao.promotions.seckill import gate
from fenxiao.promotions.seckill.gate import Reset, Rules

logger = logging.getLogger(__name__)

# A purchase still in flight after this long is over: gunicorn kills a request after 30 s and the
# database rolls its transaction back. Until then a reset could race it, so none happens.
RECONCILE_GRACE = timedelta(minutes=2)
# Unpaid orders give units back until their payment window (at most a day) closes after the sale.
RECONCILE_AFTER_END = timedelta(days=2)
# Seed the gate of an activity starting within this, before the crowd arrives.
SEED_AHEAD = timedelta(hours=1)

EDITABLE = (
    "name",
    "sku_id",
    "seckill_price_fen",
    "stock",
    "per_user_limit",
    "starts_at",
    "ends_at",
    "payment_minutes",
    "commission_allowed",
)


class SeckillError(DomainError):
    pass


class SeckillConflict(Conflict):
    pass


def activity_not_found() -> NotFound:
    return NotFound("SECKILL_NOT_FOUND", "秒杀活动不存在")


def activity_problems(a: SeckillActivity) -> list[str]:
    """Every broken rule at once, in Chinese, so a form shows them all."""
    sale_price = rules.sku_sale_price(a.sku_id)
    problems = rules.name_problems(a)
    problems += rules.price_problems(label="秒杀价", price_fen=a.seckill_price_fen, sale_price_fen=sale_price)
    problems += rules.sku_problems(sale_price)
    if a.stock is None or a.stock < (a.sold or 0):
        problems.append(f"秒杀库存不能少于已售数量（{a.sold or 0}）")
    if not a.per_user_limit or a.per_user_limit < 1:
        problems.append("每人限购至少为 1")
    problems += rules.payment_minutes_problems(a)
    return problems + rules.window_and_commission_problems(a)


SECKILL_ACTIVITY = ActivityKind(
    model=SeckillActivity,
    editable=EDITABLE,
    problems=activity_problems,
    invalid=lambda message: SeckillError("SECKILL_INVALID", message),
    not_found=activity_not_found,
    lock=lock_seckill_activity,
)


def epoch_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def gate_rules(a: SeckillActivity) -> Rules:
    return Rules(
        starts_ms=epoch_ms(a.starts_at),
        ends_ms=epoch_ms(a.ends_at),
        limit=a.per_user_limit,
        paused=a.status == SeckillStatus.PAUSED,
    )


def held_units(*, activity_id: int) -> dict[int, int]:
    """User id → units held (not given back): what the per-user limit counts."""
    rows = (
        SeckillPurchase.objects.filter(activity_id=activity_id)
        .exclude(status=SeckillPurchaseStatus.RETURNED)
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    return {r["user_id"]: r["n"] for r in rows}


def seckill_gate_seed(*, activity_id: int) -> SeckillActivity:
    """Seed the gate from the database if it is not seeded yet. The row lock keeps an operator's
    change (which syncs the gate under the same lock) from falling between the read and the seed."""
    with transaction.atomic():
        a = SECKILL_ACTIVITY.locked(activity_id)
        gate.gate_seed(
            activity_id=a.pk, remaining=a.stock - a.sold, held=held_units(activity_id=a.pk), rules=gate_rules(a)
        )
    return a


def _seed_after_create(activity_id: int) -> None:
    try:
        seckill_gate_seed(activity_id=activity_id)
    except redis.RedisError:
        # The first request, or the sweep within a minute, seeds it.
        log_without_redis(logger, "seckill %s: seeding the Redis gate failed", activity_id)


def _sync_gate(a: SeckillActivity, *, stock_delta: int = 0) -> None:
    """Called with the activity's row locked, just before the change commits: the gate refuses by
    the new rules from the moment the change is visible (a pause turns the crowd away at once).
    The database re-checks everything behind the gate, so a failed sync costs requests that reach
    the database, never a wrong sale; the sweep repairs it."""
    if not gate.enabled():
        return
    try:
        gate.gate_sync(activity_id=a.pk, stock_delta=stock_delta, rules=gate_rules(a))
    except redis.RedisError:
        log_without_redis(logger, "seckill %s: syncing the Redis gate failed", a.pk)


@transaction.atomic
def seckill_activity_create(*, fields: dict[str, Any]) -> SeckillActivity:
    """The gate is seeded with the whole quota once the activity is committed."""
    a = SECKILL_ACTIVITY.create(fields)
    if gate.enabled():
        transaction.on_commit(lambda: _seed_after_create(a.pk))
    return a


@transaction.atomic
def seckill_activity_update(*, activity_id: int, fields: dict[str, Any]) -> SeckillActivity:
    """The SKU cannot change once units were sold (the orders point at it); a changed quota moves
    the gate's stock by the same amount, and a changed window or limit replaces the gate's."""
    a = SECKILL_ACTIVITY.locked(activity_id)
    before = a.stock
    if "sku_id" in fields and fields["sku_id"] != a.sku_id and a.sold:
        raise SeckillConflict("SECKILL_SKU_LOCKED", "活动已有成交，不能更换 SKU")
    SECKILL_ACTIVITY.apply(a, fields)
    _sync_gate(a, stock_delta=a.stock - before)
    return a


@transaction.atomic
def seckill_activity_pause(*, activity_id: int) -> SeckillActivity:
    a = SECKILL_ACTIVITY.set_status(activity_id, SeckillStatus.PAUSED)
    _sync_gate(a)
    return a


@transaction.atomic
def seckill_activity_resume(*, activity_id: int) -> SeckillActivity:
    a = SECKILL_ACTIVITY.set_status(activity_id, SeckillStatus.ACTIVE)
    _sync_gate(a)
    return a


def seckill_gate_reconcile(*, activity_id: int) -> Reset:
    """Reset the gate from the database when that is safe: nothing in flight younger than
    ``RECONCILE_GRACE`` and nothing moved at the gate between the snapshot and the write (the
    script compares the gate's sequence number). The activity's row is locked meanwhile, so no
    purchase commits and no operator change lands between reading the database and writing Redis.
    Repairs a give-back that never arrived (Redis lower than the database) and a unit taken by a
    request that died before giving it back. "In flight" is measured on the wall clock (what
    requests live by), not on a sweep's ``now``, which may be a date a demo jumped to."""
    young_after = epoch_ms(timezone.now() - RECONCILE_GRACE)
    before = gate.gate_snapshot(activity_id=activity_id, young_after_ms=young_after)
    if not before.seeded:
        return Reset.NOT_SEEDED
    if before.young_in_flight:
        return Reset.BUSY  # a sale is running: try again at the next sweep, without taking the lock
    with transaction.atomic():
        a = SECKILL_ACTIVITY.locked(activity_id)
        snap = gate.gate_snapshot(activity_id=activity_id, young_after_ms=young_after)
        if not snap.seeded or snap.young_in_flight:
            return Reset.NOT_SEEDED if not snap.seeded else Reset.BUSY
        return gate.gate_reset(
            activity_id=a.pk,
            seq=snap.seq,
            young_after_ms=young_after,
            remaining=a.stock - a.sold,
            held=held_units(activity_id=a.pk),
            rules=gate_rules(a),
        )


def sweep_seckill_gates(*, now: datetime) -> int:
    """Every minute: reconcile the gate of each activity still selling or taking units back, and
    seed the gate of one about to start. Returns how many gates were seeded or corrected."""
    if not gate.enabled():
        return 0
    due = SeckillActivity.objects.filter(ends_at__gt=now - RECONCILE_AFTER_END, starts_at__lte=now + SEED_AHEAD)
    handled = 0
    for pk, ends_at in due.order_by("pk").values_list("pk", "ends_at"):
        result = seckill_gate_reconcile(activity_id=pk)
        if result == Reset.CORRECTED:
            logger.warning("seckill %s: the Redis gate differed from the database and was reset", pk)
            handled += 1
        elif result == Reset.NOT_SEEDED and ends_at > now:
            seckill_gate_seed(activity_id=pk)
            handled += 1
    return handled


def _gate_remaining(activity_id: int) -> int | None:
    """None without Redis, and while Redis is unreachable: the report is read from the database."""
    if not gate.enabled():
        return None
    try:
        return gate.gate_remaining(activity_id)
    except redis.RedisError:
        log_without_redis(logger, "seckill %s: the Redis gate is unreachable for the report", activity_id)
        return None


def seckill_activity_report(*, activity: SeckillActivity) -> dict[str, int | None]:
    """Sold / stock / orders, with the Redis stock beside the database's remaining when Redis is on."""
    counts = activity.purchases.aggregate(
        placed=Count("pk", filter=Q(status=SeckillPurchaseStatus.PLACED)),
        paid=Count("pk", filter=Q(status=SeckillPurchaseStatus.PLACED, order__paid_at__isnull=False)),
        returned=Count("pk", filter=Q(status=SeckillPurchaseStatus.RETURNED)),
    )
    return {
        "stock": activity.stock,
        "sold": activity.sold,
        "remaining": activity.stock - activity.sold,
        "redis_remaining": _gate_remaining(activity.pk),
        "orders": counts["placed"],
        "paid_orders": counts["paid"],
        "returned": counts["returned"],
    }


def seckill_window_state(a: SeckillActivity, now: datetime) -> str:
    """ "paused" / "upcoming" / "ended" / "sold_out" / "on_sale": what the shopper is shown."""
    return rules.window_state(
        paused=a.status == SeckillStatus.PAUSED,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        now=now,
        exhausted="sold_out" if a.sold >= a.stock else None,
    )
