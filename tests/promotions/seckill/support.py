"""Fixtures and builders shared by the seckill tests (imported by name; holds no tests itself).

``gate`` runs a test twice: on the database alone (the embedded default, no ``REDIS_URL``) and
behind the Redis gate on the suite's own Redis (``REDIS_URL`` when the run sets one, else db 12),
whose seckill keys are wiped before and after.

``refusal`` runs a test once per way the gate turns a shopper away (sold out, limit reached, not
started, ended, paused), on an activity set up for it: Django's path (``test_gate``) and the lane
in front of it (``test_lane``) are held to the same five situations, built in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.orders.models import Order
from fenxiao.promotions.models import SeckillActivity
from fenxiao.promotions.seckill.activities import (
    seckill_activity_create,
    seckill_activity_pause,
    seckill_activity_update,
)
from fenxiao.promotions.seckill.gate import buyers_key, gate_remaining, redis_client
from fenxiao.promotions.seckill.purchases import seckill_buy
from tests.order_support import address_for

TEST_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"


def _wipe() -> None:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    keys = list(client.scan_iter("seckill:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["db", "redis"])
def gate(request, settings) -> str:
    if request.param == "redis":
        settings.REDIS_URL = TEST_REDIS_URL
        _wipe()
        request.addfinalizer(_wipe)
    else:
        settings.REDIS_URL = ""
    return request.param


@pytest.fixture
def redis_gate(settings) -> str:
    settings.REDIS_URL = TEST_REDIS_URL
    _wipe()
    yield "redis"
    _wipe()


def shopper(name: str) -> User:
    user = User.objects.create(username=f"wx_sk-{name}", openid=f"sk-{name}", nickname=name)
    address_for(user)
    return user


def make_activity(sku, **fields: Any) -> SeckillActivity:
    """¥9.90, 10 units, 1 per user, started a minute ago, for an hour, 5 minutes to pay."""
    now = timezone.now()
    values: dict[str, Any] = {
        "name": "整点秒杀",
        "sku_id": sku.id,
        "seckill_price_fen": 990,
        "stock": 10,
        "per_user_limit": 1,
        "starts_at": now - timedelta(minutes=1),
        "ends_at": now + timedelta(hours=1),
        "payment_minutes": 5,
        **fields,
    }
    return seckill_activity_create(fields=values)


def seeded_activity(commit, sku, **fields: Any) -> SeckillActivity:
    """``make_activity`` committed: the Redis gate is seeded once the activity is (``commit`` is the
    suite's fixture of that name)."""
    with commit():
        return make_activity(sku, **fields)


def address_of(user: User) -> dict[str, int]:
    """The body of a buy request: the shopper's default address."""
    return {"address_id": user.addresses.get(is_default=True).id}


def token_of(user: User) -> str:
    """An access token, as the mini-program sends it."""
    return token_pair_issue(user_id=user.pk, scope="user").access


def buy(user: User, activity: SeckillActivity) -> Order:
    """One unit bought through the service, to the shopper's default address."""
    return seckill_buy(user=user, activity_id=activity.pk, **address_of(user))


# Each way the gate refuses a shopper, with the code the answer carries.
REFUSALS = {
    "sold_out": "SECKILL_SOLD_OUT",
    "bought_already": "SECKILL_LIMIT_REACHED",
    "not_started": "SECKILL_NOT_STARTED",
    "ended": "SECKILL_ENDED",
    "paused": "SECKILL_PAUSED",
}


@dataclass(frozen=True)
class Refusal:
    """An activity with a seeded gate that refuses ``buyer``'s next attempt, made at ``at``, with
    ``code`` (the situation's)."""

    situation: str
    code: str
    activity: SeckillActivity
    at: datetime


@pytest.fixture(params=list(REFUSALS))
def refusal(request, redis_gate, sku, commit, buyer) -> Refusal:
    """A one-unit activity, committed so its gate is seeded, then brought to the situation: its unit
    sold to another shopper; ``buyer``'s own unit bought and a unit added (units are left, the limit
    is not); starting in 10 minutes; asked an hour after its start, when it has ended; paused by the
    operator. Operator changes are committed, as the admin's are."""
    situation = request.param
    starts = timezone.now() + (timedelta(minutes=10) if situation == "not_started" else timedelta(minutes=-1))
    activity = seeded_activity(commit, sku, stock=1, starts_at=starts, ends_at=starts + timedelta(hours=1))
    if situation == "sold_out":
        buy(shopper("first"), activity)
    elif situation == "bought_already":
        buy(buyer, activity)
        with commit():
            seckill_activity_update(activity_id=activity.pk, fields={"stock": 2})
    elif situation == "paused":
        with commit():
            seckill_activity_pause(activity_id=activity.pk)
    at = timezone.now() + (timedelta(minutes=61) if situation == "ended" else timedelta(0))
    return Refusal(situation=situation, code=REFUSALS[situation], activity=activity, at=at)


def remaining(activity: SeckillActivity) -> tuple[int, int | None]:
    """(database remaining, Redis remaining or None when Redis is off or not yet seeded)."""
    activity.refresh_from_db()
    from django.conf import settings

    return activity.stock - activity.sold, gate_remaining(activity.pk) if settings.REDIS_URL else None


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def now() -> datetime:
    return timezone.now()


def gate_held(activity_id: int) -> dict[int, int]:
    """User id → units the Redis gate counts as held (to compare with the database)."""
    return {int(k): int(v) for k, v in redis_client().hgetall(buyers_key(activity_id)).items()}
