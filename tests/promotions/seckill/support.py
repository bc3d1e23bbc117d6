"""Fixtures and builders shared by the seckill tests (imported by name; holds no tests itself).

``gate`` runs a test twice: on the database alone (the embedded default, no ``REDIS_URL``) and
behind the Redis gate on the suite's own Redis (``REDIS_URL`` when the run sets one, else db 12),
whose seckill keys are wiped before and after."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

import pytest
import redis
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.promotions.models import SeckillActivity
from fenxiao.promotions.seckill.activities import seckill_activity_create
from fenxiao.promotions.seckill.gate import buyers_key, gate_remaining, redis_client
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
