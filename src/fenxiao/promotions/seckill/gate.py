"""The Redis gate in front of the seckill database write: one Lua script checks the pause switch,
the window, the shopper's limit and the stock, and takes the unit atomically, so a refused request
(the crowd after the sell-out) is answered from Redis alone and only as many requests as there are
units ever reach the database. The database stays the authority (its conditional update and
per-user count run behind the gate too); Redis only turns the crowd away cheaply.

Keys per activity:

* ``seckill:{id}:stock``  units left at the gate;
* ``seckill:{id}:buyers`` hash user id → units held;
* ``seckill:{id}:meta``   hash: ``starts``/``ends`` (epoch ms), ``limit``, ``paused`` (0/1), and ``seq``,
  which moves with every change of the keys, so a reconciliation can tell nothing happened between
  its snapshot and its write;
* ``seckill:{id}:flight`` sorted set of purchases and give-backs in flight (token → epoch ms).

The keys are seeded together from the database (``gate_seed``, only when absent), kept in step by
the operator's changes (``gate_sync``) and, when no purchase is in flight, reset from the database
(``gate_reset``), which repairs a give-back that never arrived. They expire a week after the
activity ends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import redis
from django.conf import settings

from fenxiao.core.redis import redis_client

KEEP_AFTER_END_MS = 7 * 24 * 3600 * 1000

# KEYS stock, buyers, meta, flight; ARGV user, now (ms), token.
TAKE = """
local m = redis.call('HMGET', KEYS[3], 'starts', 'ends', 'limit', 'paused')
local stock = redis.call('GET', KEYS[1])
if not m[1] or not stock then return -4 end
if m[4] == '1' then return -6 end
local now = tonumber(ARGV[2])
if now < tonumber(m[1]) then return -1 end
if now >= tonumber(m[2]) then return -5 end
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held >= tonumber(m[3]) then return -2 end
if tonumber(stock) <= 0 then return -3 end
redis.call('DECR', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('ZADD', KEYS[4], now, ARGV[3])
local ttl = redis.call('PTTL', KEYS[3])
if ttl > 0 then redis.call('PEXPIRE', KEYS[4], ttl) end
redis.call('HINCRBY', KEYS[3], 'seq', 1)
return 1
"""

# A give-back about to happen (an unpaid order being cancelled): in flight until FINISH.
# KEYS meta, flight; ARGV now (ms), token.
BEGIN = """
if redis.call('HEXISTS', KEYS[1], 'starts') == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
redis.call('HINCRBY', KEYS[1], 'seq', 1)
return 1
"""

# The end of a purchase or give-back in flight. The unit goes back only if the token was still in
# flight: a reset that found it stale already counted it from the database. A unit the database
# says is not there (sold out behind the gate) is dropped, only the shopper's place comes back.
# KEYS stock, buyers, meta, flight; ARGV user, token, give back (0/1), the unit too (0/1).
FINISH = """
local was = redis.call('ZREM', KEYS[4], ARGV[2])
if was == 1 and ARGV[3] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[4] == '1' then redis.call('INCR', KEYS[1]) end
  if redis.call('HINCRBY', KEYS[2], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
end
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HINCRBY', KEYS[3], 'seq', 1) end
return was
"""

# KEYS stock, buyers, meta; ARGV remaining, starts, ends, limit, paused, expire at (ms), user/count pairs.
SEED = """
if redis.call('HEXISTS', KEYS[3], 'starts') == 1 and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[3], 'starts', ARGV[2], 'ends', ARGV[3], 'limit', ARGV[4], 'paused', ARGV[5])
redis.call('HINCRBY', KEYS[3], 'seq', 1)
for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], ARGV[6]) end
return 1
"""

# The operator changed the activity: new window/limit/pause and the quota moved by a delta.
# KEYS stock, buyers, meta; ARGV delta, starts, ends, limit, paused, expire at (ms).
SYNC = """
if redis.call('HEXISTS', KEYS[3], 'starts') == 0 or redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[3], 'starts', ARGV[2], 'ends', ARGV[3], 'limit', ARGV[4], 'paused', ARGV[5])
redis.call('HINCRBY', KEYS[3], 'seq', 1)
for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], ARGV[6]) end
return 1
"""

# Where the gate stands: seeded (0/1), seq, and how many tokens in flight are younger than ARGV[1].
# KEYS meta, flight.
SNAPSHOT = """
local seeded = redis.call('HEXISTS', KEYS[1], 'starts')
local seq = redis.call('HGET', KEYS[1], 'seq') or '0'
local young = redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[1], '+inf')
return {seeded, seq, young}
"""

# Replace the gate's state by the database's, unless anything moved since the snapshot (seq) or a
# purchase younger than the grace period is in flight. Tokens older than that are dropped: their
# request is over and the database says what it left. Returns -1 not seeded, 0 busy, 1 already
# equal, 2 corrected.
# KEYS stock, buyers, meta, flight; ARGV seq, young after (ms), remaining, starts, ends, limit, paused,
# expire at (ms), user/count pairs.
RESET = """
if redis.call('HEXISTS', KEYS[3], 'starts') == 0 then return -1 end
if (redis.call('HGET', KEYS[3], 'seq') or '0') ~= ARGV[1] then return 0 end
if redis.call('ZCOUNT', KEYS[4], '(' .. ARGV[2], '+inf') > 0 then return 0 end
local same = redis.call('GET', KEYS[1]) == ARGV[3]
local m = redis.call('HMGET', KEYS[3], 'starts', 'ends', 'limit', 'paused')
same = same and m[1] == ARGV[4] and m[2] == ARGV[5] and m[3] == ARGV[6] and m[4] == ARGV[7]
local want = {}
local n = 0
for i = 9, #ARGV, 2 do want[ARGV[i]] = ARGV[i + 1]; n = n + 1 end
if same then
  local have = redis.call('HGETALL', KEYS[2])
  same = #have == 2 * n
  for i = 1, #have, 2 do
    if want[have[i]] ~= have[i + 1] then same = false end
  end
end
local stale = redis.call('DEL', KEYS[4])
if same then
  if stale == 1 then redis.call('HINCRBY', KEYS[3], 'seq', 1) end
  return 1
end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('DEL', KEYS[2])
for i = 9, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[3], 'starts', ARGV[4], 'ends', ARGV[5], 'limit', ARGV[6], 'paused', ARGV[7])
redis.call('HINCRBY', KEYS[3], 'seq', 1)
for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], ARGV[8]) end
return 2
"""


class Gate(IntEnum):
    TAKEN = 1
    NOT_STARTED = -1
    LIMIT_REACHED = -2
    SOLD_OUT = -3
    NOT_SEEDED = -4
    ENDED = -5
    PAUSED = -6


class Reset(IntEnum):
    NOT_SEEDED = -1
    BUSY = 0
    EQUAL = 1
    CORRECTED = 2


@dataclass(frozen=True)
class Rules:
    """What the gate decides by besides the stock: the window (epoch ms), the limit, the pause."""

    starts_ms: int
    ends_ms: int
    limit: int
    paused: bool

    def args(self) -> list[int]:
        return [self.starts_ms, self.ends_ms, self.limit, int(self.paused)]

    @property
    def expire_at_ms(self) -> int:
        return self.ends_ms + KEEP_AFTER_END_MS


@dataclass(frozen=True)
class Snapshot:
    seeded: bool
    seq: str
    young_in_flight: int


def enabled() -> bool:
    return bool(settings.REDIS_URL)


def stock_key(activity_id: int) -> str:
    return f"seckill:{activity_id}:stock"


def buyers_key(activity_id: int) -> str:
    return f"seckill:{activity_id}:buyers"


def meta_key(activity_id: int) -> str:
    return f"seckill:{activity_id}:meta"


def flight_key(activity_id: int) -> str:
    return f"seckill:{activity_id}:flight"


def keys(activity_id: int) -> list[str]:
    """The four keys, in the order the scripts take them."""
    return [stock_key(activity_id), buyers_key(activity_id), meta_key(activity_id), flight_key(activity_id)]


@lru_cache(maxsize=4)
def _scripts(url: str) -> dict[str, redis.commands.core.Script]:
    """Registered once per client; redis-py runs them with EVALSHA (loading on NOSCRIPT)."""
    client = redis_client()
    sources = {"take": TAKE, "begin": BEGIN, "finish": FINISH, "seed": SEED, "sync": SYNC}
    sources |= {"snapshot": SNAPSHOT, "reset": RESET}
    return {name: client.register_script(src) for name, src in sources.items()}


def _script(name: str):
    return _scripts(settings.REDIS_URL)[name]


def _pairs(held: Mapping[int, int]) -> list[int]:
    out: list[int] = []
    for user_id, count in held.items():
        if count > 0:
            out += [user_id, count]
    return out


def gate_seed(*, activity_id: int, remaining: int, held: Mapping[int, int], rules: Rules) -> bool:
    """Seed the keys from the database's figures, only if they are absent. The caller holds the
    activity's row lock, so no operator change can fall between its read and this write."""
    args = [remaining, *rules.args(), rules.expire_at_ms, *_pairs(held)]
    return bool(_script("seed")(keys=keys(activity_id)[:3], args=args))


def gate_take(*, activity_id: int, user_id: int, now_ms: int, token: str) -> Gate:
    return Gate(int(_script("take")(keys=keys(activity_id), args=[user_id, now_ms, token])))


def gate_begin(*, activity_id: int, now_ms: int, token: str) -> bool:
    """Mark a give-back in flight before its database write (False: the gate is not seeded)."""
    return bool(_script("begin")(keys=keys(activity_id)[2:], args=[now_ms, token]))


def gate_finish(*, activity_id: int, user_id: int, token: str, give_back: bool, unit_exists: bool = True) -> bool:
    """End a purchase (``give_back=False``: it committed) or give its unit back. True when the
    token was still in flight, i.e. it acted; False when a reset had already accounted for it.

    ``unit_exists=False`` gives back the shopper's place but not the unit: the database found the
    activity sold out, so the gate counted a unit that is not there (it lost a sale the database
    made while Redis was unreachable). Dropping it brings the gate down to the database's figure
    one refused request at a time, so the crowd is turned away at Redis again at once rather than
    at the next quiet reconcile."""
    args = [user_id, token, int(give_back), int(unit_exists)]
    return bool(_script("finish")(keys=keys(activity_id), args=args))


def gate_sync(*, activity_id: int, stock_delta: int, rules: Rules) -> bool:
    """The operator changed the activity: move the seeded stock and replace the rules (no-op when
    not seeded: the first request seeds from the database)."""
    args = [stock_delta, *rules.args(), rules.expire_at_ms]
    return bool(_script("sync")(keys=keys(activity_id)[:3], args=args))


def gate_snapshot(*, activity_id: int, young_after_ms: int) -> Snapshot:
    seeded, seq, young = _script("snapshot")(keys=keys(activity_id)[2:], args=[young_after_ms])
    seq = seq.decode() if isinstance(seq, bytes) else str(seq)
    return Snapshot(seeded=bool(seeded), seq=seq, young_in_flight=int(young))


def gate_reset(
    *, activity_id: int, seq: str, young_after_ms: int, remaining: int, held: Mapping[int, int], rules: Rules
) -> Reset:
    args = [seq, young_after_ms, remaining, *rules.args(), rules.expire_at_ms, *_pairs(held)]
    return Reset(int(_script("reset")(keys=keys(activity_id), args=args)))


def gate_remaining(activity_id: int) -> int | None:
    value = redis_client().get(stock_key(activity_id))
    return None if value is None else int(value)
