"""Buying a seckill unit and giving it back.

With Redis (``REDIS_URL`` set) the Lua gate (``seckill.gate``) decides first, from Redis alone:
paused, not started, ended, limit reached and sold out are answered without touching the
database, and only as many shoppers as there are units get through. The buyer's token is checked
(signature, expiry) before the gate, and the user row is loaded only once the gate lets the request
through, by the same statement that locks it. Without Redis (the embedded default) every request
goes straight to the database.

Either way the database write is the same and is the authority. The shopper's own row is locked
(one purchase at a time per shopper), their held units are counted against the limit, the order is
written, and only then does ``sold`` move, by ``UPDATE ... WHERE sold < stock`` and the activity
still open: the activity's row, which every buyer needs, is locked for the last statement and the
commit only, not for the whole order. If anything after the gate fails, the gate gets its unit
back, so the Redis stock equals ``stock - sold`` once nothing is in flight.

Redis configured but unreachable (or failing mid-request) is never a server error: the database
decides alone, as without Redis. The gate then lags the database: sales made meanwhile are not
in it, nor gives-back that could not reach it. A unit the gate still counts but the database has
sold is dropped by the first request it lets through (``unit_exists=False``), and the reconcile
sweep (``seckill.activities.sweep_seckill_gates``) resets the gate from the database once nothing
is in flight, which also returns the units of give-backs that never arrived."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.accounts.selectors import token_user_check
from fenxiao.accounts.tokens import TokenClaims
from fenxiao.core.errors import DomainError
from fenxiao.core.observability import metrics
from fenxiao.core.redis import log_without_redis
from fenxiao.orders.checkout import LineRequest
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_create
from fenxiao.promotions import locks
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus, SeckillStatus
from fenxiao.promotions.seckill import gate, statements
from fenxiao.promotions.seckill.activities import (
    SeckillConflict,
    activity_not_found,
    epoch_ms,
    held_units,
    seckill_gate_seed,
)
from fenxiao.promotions.seckill.gate import Gate
from fenxiao.promotions.seckill.pricing import seckill_grant

__all__ = [
    "GATE_REFUSALS",
    "TokenBuyer",
    "gate_finish_quietly",
    "held_units",
    "on_order_cancelled",
    "seckill_buy",
    "seckill_return_for_order",
]

logger = logging.getLogger(__name__)

NOT_STARTED = ("SECKILL_NOT_STARTED", "秒杀尚未开始")
ENDED = ("SECKILL_ENDED", "秒杀已结束")
PAUSED = ("SECKILL_PAUSED", "秒杀活动已暂停")
SOLD_OUT = ("SECKILL_SOLD_OUT", "手慢了，已被抢光")
LIMIT_REACHED = ("SECKILL_LIMIT_REACHED", "您已达到该活动的限购数量")

GATE_REFUSALS = {
    Gate.NOT_STARTED: NOT_STARTED,
    Gate.ENDED: ENDED,
    Gate.PAUSED: PAUSED,
    Gate.SOLD_OUT: SOLD_OUT,
    Gate.LIMIT_REACHED: LIMIT_REACHED,
}


@dataclass(frozen=True)
class TokenBuyer:
    """A shopper known by a verified access token (signature, expiry and type already checked, so
    a bad token is a 401 before anything else). The gate needs only the id; the user row (active,
    not logged out everywhere) is loaded once the gate has let the request through, and a revoked
    token is refused then with 401 and its unit given back."""

    claims: TokenClaims

    @property
    def pk(self) -> int:
        return self.claims.user_id


def _refuse(reason: tuple[str, str]) -> SeckillConflict:
    return SeckillConflict(*reason)


def _ensure_open(a: SeckillActivity, now: datetime) -> None:
    if a.status == SeckillStatus.PAUSED:
        raise _refuse(PAUSED)
    if now < a.starts_at:
        raise _refuse(NOT_STARTED)
    if now >= a.ends_at:
        raise _refuse(ENDED)


def _gate_take(activity_id: int, user_id: int, now: datetime, token: str) -> bool:
    """Take a unit at the Redis gate, seeding it from the database on first use (404 when there is
    no such activity). False only if the gate is still not seeded after seeding it (its keys were
    dropped that very moment): the database, which decides anyway, decides alone then."""
    args = {"activity_id": activity_id, "user_id": user_id, "now_ms": epoch_ms(now), "token": token}
    code = gate.gate_take(**args)
    if code == Gate.NOT_SEEDED:
        seckill_gate_seed(activity_id=activity_id)
        code = gate.gate_take(**args)
    if code == Gate.NOT_SEEDED:
        return False
    if code != Gate.TAKEN:
        raise _refuse(GATE_REFUSALS[code])
    return True


def gate_finish_quietly(
    *, activity_id: int, user_id: int, token: str, give_back: bool, unit_exists: bool = True
) -> None:
    """A failure here must not turn a committed order or a refusal into a server error: the token
    stays in flight and the reconcile sweep settles the gate from the database later."""
    try:
        gate.gate_finish(
            activity_id=activity_id, user_id=user_id, token=token, give_back=give_back, unit_exists=unit_exists
        )
    except redis.RedisError:
        log_without_redis(logger, "seckill %s: ending a purchase at the Redis gate failed", activity_id)


def seckill_buy(
    *,
    user: User | TokenBuyer,
    activity_id: int,
    address_id: int | None,
    remark: str = "",
    now: datetime | None = None,
    taken_token: str | None = None,
) -> Order:
    """One unit of the activity's SKU at the seckill price, as an unpaid order whose payment
    window is the activity's (if shorter than the shop's). Counted for /metrics: accepted once
    the order commits, refused by its error code (sold out, limit reached, ...).

    ``taken_token``: the unit was already taken at the gate for this shopper and activity, by the
    seckill lane in front of Django (``promotions/api/seckill_lane.py``), with this token; the
    purchase goes on from there and ends the token as after its own take."""
    try:
        order = _seckill_buy(
            user=user, activity_id=activity_id, address_id=address_id, remark=remark, now=now, taken_token=taken_token
        )
    except DomainError as exc:
        metrics.seckill_refused(reason=exc.code)
        raise
    metrics.seckill_accepted()
    return order


def _seckill_buy(
    *,
    user: User | TokenBuyer,
    activity_id: int,
    address_id: int | None,
    remark: str,
    now: datetime | None,
    taken_token: str | None,
) -> Order:
    now = now or timezone.now()
    if taken_token is None and not gate.enabled():
        return _buy_in_db(buyer=user, activity_id=activity_id, address_id=address_id, remark=remark, now=now)
    token = taken_token or secrets.token_urlsafe(12)
    try:
        gated = taken_token is not None or _gate_take(activity_id, user.pk, now, token)
    except redis.RedisError:
        # The database decides alone. The token is still ended below, as if the gate had let the
        # request through: a take whose answer was lost (a timeout) did take a unit, and ending a
        # token that never entered the gate changes nothing.
        log_without_redis(logger, "seckill %s: the Redis gate is unreachable; the database decides alone", activity_id)
        gated = True
    if not gated:
        return _buy_in_db(buyer=user, activity_id=activity_id, address_id=address_id, remark=remark, now=now)
    try:
        order = _buy_in_db(buyer=user, activity_id=activity_id, address_id=address_id, remark=remark, now=now)
    except SeckillConflict as exc:
        sold_out = exc.code == SOLD_OUT[0]
        gate_finish_quietly(
            activity_id=activity_id, user_id=user.pk, token=token, give_back=True, unit_exists=not sold_out
        )
        raise
    except BaseException:
        gate_finish_quietly(activity_id=activity_id, user_id=user.pk, token=token, give_back=True)
        raise
    # Out of flight once the purchase is committed. If an enclosing transaction rolls back
    # instead, the token stays in flight until the reconcile sweep finds it stale and resets.
    transaction.on_commit(
        lambda: gate_finish_quietly(activity_id=activity_id, user_id=user.pk, token=token, give_back=False)
    )
    return order


def _lock_buyer(buyer: User | TokenBuyer) -> User:
    """One purchase at a time per shopper, so two requests of one shopper cannot both pass the
    held-units count. FOR NO KEY UPDATE does not block other rows' foreign keys to the user. For a
    token buyer the same statement reads the row the token is checked against: one read, not two."""
    if isinstance(buyer, TokenBuyer):
        return token_user_check(buyer.claims, locks.lock_buyer(buyer.pk))
    locks.lock_buyer_id(buyer.pk)
    return buyer


@transaction.atomic
def _buy_in_db(
    *, buyer: User | TokenBuyer, activity_id: int, address_id: int | None, remark: str, now: datetime
) -> Order:
    user = _lock_buyer(buyer)
    a = statements.activity_row(activity_id)
    if a is None:
        raise activity_not_found()
    _ensure_open(a, now)
    if statements.units_held(activity_id=a.pk, user_id=user.pk) >= a.per_user_limit:
        raise _refuse(LIMIT_REACHED)
    if a.sold >= a.stock:
        raise _refuse(SOLD_OUT)  # already sold out: no order to write and roll back
    with seckill_grant(activity=a, user_id=user.pk) as grant_token:
        order = order_create(
            user=user,
            lines=[LineRequest(a.sku_id, 1)],
            address_id=address_id,
            remark=remark,
            options={"seckill_id": a.pk, "seckill_token": grant_token},
            payment_deadline=now + timedelta(minutes=a.payment_minutes),
            buyer_locked=True,
        )
    _take_unit(a.pk, now)
    return order


def _take_unit(activity_id: int, now: datetime) -> None:
    """The last statement before the commit: ``sold`` moves only while units are left and the
    activity is open, as the row stands now (a pause or a quota change that committed meanwhile
    counts). Otherwise the whole purchase rolls back with the matching refusal."""
    if not statements.unit_taken(activity_id=activity_id, now=now):
        _ensure_open(SeckillActivity.objects.get(pk=activity_id), now)
        raise _refuse(SOLD_OUT)


def seckill_return_for_order(*, order_id: int, now: datetime | None = None) -> bool:
    """The unpaid order was cancelled (by the shopper, an operator or the payment timeout): its
    unit goes back to the activity and, after commit, to the Redis gate. The purchase flips from
    placed to returned once, so a replayed event gives nothing back twice."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(12)
    with transaction.atomic():
        row = locks.lock_placed_purchase(order_id)
        if row is None:
            return False
        in_flight = _gate_begin(activity_id=row["activity_id"], token=token)
        SeckillPurchase.objects.filter(pk=row["pk"], status=SeckillPurchaseStatus.PLACED).update(
            status=SeckillPurchaseStatus.RETURNED, returned_at=now
        )
        SeckillActivity.objects.filter(pk=row["activity_id"], sold__gt=0).update(sold=F("sold") - 1)
        if in_flight:
            transaction.on_commit(
                lambda: gate_finish_quietly(
                    activity_id=row["activity_id"], user_id=row["user_id"], token=token, give_back=True
                )
            )
    return True


def _gate_begin(*, activity_id: int, token: str) -> bool:
    """Mark the give-back in flight at the gate before the database changes, so a reset cannot read
    the returned unit and then see it given back a second time. Without Redis, or with Redis
    failing, the database still takes the unit back; the gate is put right by the sweep."""
    if not gate.enabled():
        return False
    try:
        return gate.gate_begin(activity_id=activity_id, now_ms=epoch_ms(timezone.now()), token=token)
    except redis.RedisError:
        log_without_redis(logger, "seckill %s: marking a give-back at the Redis gate failed", activity_id)
        return False


def on_order_cancelled(*, order_id: int, **_: object) -> None:
    seckill_return_for_order(order_id=order_id)
