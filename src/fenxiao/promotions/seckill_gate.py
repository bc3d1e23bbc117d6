"""The Redis gate in front of the seckill database write: one Lua script checks the window, the
shopper's limit and the stock, and takes the unit atomically, so only as many requests as there
are units ever reach the database. The database stays the authority (its conditional update and
per-user count run behind the gate too); Redis only turns the crowd away cheaply.

Keys: ``seckill:{id}:stock`` (units left) and ``seckill:{id}:buyers`` (hash user id → units
held). Both are seeded from the database on the first request (only if absent), and every unit
given back goes back to both, so after the sale the Redis stock equals ``stock - sold``."""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache

import redis
from django.conf import settings

from fenxiao.core.redis import redis_client

TAKE = """
local stock = redis.call('GET', KEYS[1])
if not stock then return -4 end
local now, starts, ends = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if now < starts then return -1 end
if now >= ends then return -5 end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held >= tonumber(ARGV[2]) then return -2 end
if tonumber(stock) <= 0 then return -3 end
redis.call('DECR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 1
"""

GIVE_BACK = """
redis.call('INCR', KEYS[1])
local held = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if held <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
return 1
"""

# Seeds both keys together, only if the stock key is absent: ARGV = stock, then user/count pairs.
SEED = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""


class Gate(IntEnum):
    TAKEN = 1
    NOT_STARTED = -1
    LIMIT_REACHED = -2
    SOLD_OUT = -3
    NOT_SEEDED = -4
    ENDED = -5


def enabled() -> bool:
    return bool(settings.REDIS_URL)


def stock_key(activity_id: int) -> str:
    return f"seckill:{activity_id}:stock"


def buyers_key(activity_id: int) -> str:
    return f"seckill:{activity_id}:buyers"


@lru_cache(maxsize=4)
def _scripts(url: str) -> dict[str, redis.commands.core.Script]:
    """Registered once per client; redis-py runs them with EVALSHA (loading on NOSCRIPT)."""
    client = redis_client()
    return {name: client.register_script(src) for name, src in (("take", TAKE), ("give", GIVE_BACK), ("seed", SEED))}


def _script(name: str):
    return _scripts(settings.REDIS_URL)[name]


def gate_seed(*, activity_id: int, remaining: int, held: dict[int, int]) -> bool:
    args: list[int | str] = [remaining]
    for user_id, count in held.items():
        args += [user_id, count]
    return bool(_script("seed")(keys=[stock_key(activity_id), buyers_key(activity_id)], args=args))


def gate_take(*, activity_id: int, user_id: int, limit: int, now: int, starts: int, ends: int) -> Gate:
    code = _script("take")(
        keys=[stock_key(activity_id), buyers_key(activity_id)], args=[user_id, limit, now, starts, ends]
    )
    return Gate(int(code))


def gate_give_back(*, activity_id: int, user_id: int) -> None:
    _script("give")(keys=[stock_key(activity_id), buyers_key(activity_id)], args=[user_id])


def gate_adjust_stock(*, activity_id: int, delta: int) -> None:
    """The operator changed the quota: move the seeded stock by the same amount (if seeded)."""
    client = redis_client()
    if delta and client.exists(stock_key(activity_id)):
        client.incrby(stock_key(activity_id), delta)


def gate_remaining(activity_id: int) -> int | None:
    value = redis_client().get(stock_key(activity_id))
    return None if value is None else int(value)
