"""Buying a seckill unit and giving it back.

With Redis (``REDIS_URL`` set) the Lua gate (``seckill_gate``) takes the unit first, so only as
many shoppers as there are units reach the database; without Redis (the embedded default) every
request goes straight to the database. Either way the database write is the same and is the
authority: the activity row is locked, the shopper's held units are counted, and ``sold`` moves
only by ``UPDATE ... WHERE sold < stock``. If anything after the gate fails, the gate gets its
unit back, so the Redis stock always equals ``stock - sold``."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.orders.checkout import LineRequest
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_create
from fenxiao.promotions import seckill_gate
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus, SeckillStatus
from fenxiao.promotions.seckill_activities import SeckillConflict, activity_not_found, lock_activity
from fenxiao.promotions.seckill_gate import Gate

NOT_STARTED = ("SECKILL_NOT_STARTED", "秒杀尚未开始")
ENDED = ("SECKILL_ENDED", "秒杀已结束")
PAUSED = ("SECKILL_PAUSED", "秒杀活动已暂停")
SOLD_OUT = ("SECKILL_SOLD_OUT", "手慢了，已被抢光")
LIMIT_REACHED = ("SECKILL_LIMIT_REACHED", "您已达到该活动的限购数量")

_GATE_ERRORS = {
    Gate.NOT_STARTED: NOT_STARTED,
    Gate.ENDED: ENDED,
    Gate.SOLD_OUT: SOLD_OUT,
    Gate.LIMIT_REACHED: LIMIT_REACHED,
}


def _refuse(reason: tuple[str, str]) -> SeckillConflict:
    return SeckillConflict(*reason)


def _ensure_open(a: SeckillActivity, now: datetime) -> None:
    if a.status == SeckillStatus.PAUSED:
        raise _refuse(PAUSED)
    if now < a.starts_at:
        raise _refuse(NOT_STARTED)
    if now >= a.ends_at:
        raise _refuse(ENDED)


def held_units(*, activity_id: int) -> dict[int, int]:
    """User id → units held (not given back): what the per-user limit counts."""
    rows = (
        SeckillPurchase.objects.filter(activity_id=activity_id)
        .exclude(status=SeckillPurchaseStatus.RETURNED)
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    return {r["user_id"]: r["n"] for r in rows}


def _gate_take(a: SeckillActivity, user: User, now: datetime) -> None:
    """Take a unit at the Redis gate, seeding the keys from the database on first use."""
    args = {
        "activity_id": a.pk,
        "user_id": user.pk,
        "limit": a.per_user_limit,
        "now": int(now.timestamp()),
        "starts": int(a.starts_at.timestamp()),
        "ends": int(a.ends_at.timestamp()),
    }
    code = seckill_gate.gate_take(**args)
    if code == Gate.NOT_SEEDED:
        fresh = SeckillActivity.objects.only("stock", "sold").get(pk=a.pk)
        seckill_gate.gate_seed(activity_id=a.pk, remaining=fresh.stock - fresh.sold, held=held_units(activity_id=a.pk))
        code = seckill_gate.gate_take(**args)
    if code != Gate.TAKEN:
        raise _refuse(_GATE_ERRORS[code])


def seckill_buy(
    *, user: User, activity_id: int, address_id: int | None, remark: str = "", now: datetime | None = None
) -> Order:
    """One unit of the activity's SKU at the seckill price, as an unpaid order whose payment
    window is the activity's (if shorter than the shop's)."""
    now = now or timezone.now()
    a = SeckillActivity.objects.filter(pk=activity_id).first()
    if a is None:
        raise activity_not_found()
    _ensure_open(a, now)
    if not seckill_gate.enabled():
        return _buy_in_db(user=user, activity_id=a.pk, address_id=address_id, remark=remark, now=now)
    _gate_take(a, user, now)
    try:
        return _buy_in_db(user=user, activity_id=a.pk, address_id=address_id, remark=remark, now=now)
    except BaseException:
        seckill_gate.gate_give_back(activity_id=a.pk, user_id=user.pk)
        raise


@transaction.atomic
def _buy_in_db(*, user: User, activity_id: int, address_id: int | None, remark: str, now: datetime) -> Order:
    a = lock_activity(activity_id)
    _ensure_open(a, now)
    held = SeckillPurchase.objects.filter(activity=a, user=user).exclude(status=SeckillPurchaseStatus.RETURNED).count()
    if held >= a.per_user_limit:
        raise _refuse(LIMIT_REACHED)
    if not SeckillActivity.objects.filter(pk=a.pk, sold__lt=F("stock")).update(sold=F("sold") + 1):
        raise _refuse(SOLD_OUT)
    purchase = SeckillPurchase.objects.create(activity=a, user=user, token=secrets.token_urlsafe(32))
    order = order_create(
        user=user,
        lines=[LineRequest(a.sku_id, 1)],
        address_id=address_id,
        remark=remark,
        options={"seckill_id": a.pk, "seckill_token": purchase.token},
    )
    deadline = now + timedelta(minutes=a.payment_minutes)
    if order.payment_deadline is None or order.payment_deadline > deadline:
        Order.objects.filter(pk=order.pk).update(payment_deadline=deadline)
        order.payment_deadline = deadline
    return order


def seckill_return_for_order(*, order_id: int, now: datetime | None = None) -> bool:
    """The unpaid order was cancelled (by the shopper, an operator or the payment timeout): its
    unit goes back to the activity and, after commit, to the Redis gate. The purchase flips from
    placed to returned once, so a replayed event gives nothing back twice."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            SeckillPurchase.objects.select_for_update()
            .filter(order_id=order_id, status=SeckillPurchaseStatus.PLACED)
            .values("pk", "activity_id", "user_id")
            .first()
        )
        if row is None:
            return False
        SeckillPurchase.objects.filter(pk=row["pk"], status=SeckillPurchaseStatus.PLACED).update(
            status=SeckillPurchaseStatus.RETURNED, returned_at=now
        )
        SeckillActivity.objects.filter(pk=row["activity_id"], sold__gt=0).update(sold=F("sold") - 1)
        if seckill_gate.enabled():
            transaction.on_commit(
                lambda: seckill_gate.gate_give_back(activity_id=row["activity_id"], user_id=row["user_id"])
            )
    return True


def on_order_cancelled(*, order_id: int, **_: object) -> None:
    seckill_return_for_order(order_id=order_id)
