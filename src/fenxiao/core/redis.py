"""One shared Redis connection pool per process, or none when ``REDIS_URL`` is unset (the embedded
mall keeps everything in-process or in the database).

Every use of Redis has a way to do without it (the database, or a slower path), so an unreachable
Redis must cost little. A connection refused fails at once, but a Redis that hangs (stopped, or a
network that drops packets) costs each command its whole socket timeout, and a request makes
several: the web workers would all end up waiting on it. So once a command fails to reach a
server, every client of that server in the process fails at once for ``REDIS_RETRY_AFTER_SECONDS``
(``RedisUnavailable``) and only then tries the network again."""

from __future__ import annotations

import logging
import sys
import threading
import time
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# What says the server cannot be reached, as opposed to a command it refused (ResponseError).
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)


class RedisUnavailable(redis.ConnectionError):
    """Raised without touching the network while the server is known to be unreachable."""


class _Breaker:
    """When a server was last found unreachable. Wall-clock time, so tests can move it with
    time-machine; a clock stepped back by more than the pause reopens at once instead of waiting."""

    def __init__(self) -> None:
        self.down_until = 0.0

    def check(self, name: str) -> None:
        pause = settings.REDIS_RETRY_AFTER_SECONDS
        left = self.down_until - time.time()
        if 0 < left <= pause:
            raise RedisUnavailable(f"Redis {name} unreachable; retrying in {left:.1f} s")

    def trip(self, name: str, exc: Exception) -> None:
        pause = settings.REDIS_RETRY_AFTER_SECONDS
        if pause <= 0:
            return
        if self.down_until <= time.time():
            logger.warning("Redis %s unreachable (%s); falling back without it for %s s", name, exc, pause)
        self.down_until = time.time() + pause


def log_without_redis(log: logging.Logger, message: str, *args: Any) -> None:
    """Log, from an ``except`` block, that something went on without Redis. The traceback is kept
    for a real failure; while the breaker answers (it already logged the outage once) one line at
    debug level is enough, or an outage would log a traceback per cache read."""
    if isinstance(sys.exc_info()[1], RedisUnavailable):
        log.debug(message, *args)
    else:
        log.warning(message, *args, exc_info=True)


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(name: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(name, _Breaker())


def server_name(pool: redis.ConnectionPool) -> str:
    kwargs = pool.connection_kwargs
    where = kwargs.get("path") or f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"
    return f"{where}/{kwargs.get('db', 0)}"


class GuardedRedis(redis.Redis):
    """A ``redis.Redis`` whose commands fail fast while their server is known to be unreachable
    (scripts, too: they run as EVALSHA commands). Pipelines are not guarded; nothing here uses one
    on a path a shopper waits on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._server = server_name(self.connection_pool)
        self._breaker = _breaker(self._server)

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self._breaker.check(self._server)
        try:
            return super().execute_command(*args, **options)
        except UNREACHABLE as exc:
            self._breaker.trip(self._server, exc)
            raise


# A hung server costs the request that finds it out at most this, then the breaker answers.
SOCKET_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "health_check_interval": 30}


@lru_cache(maxsize=1)
def _client(url: str) -> redis.Redis:
    return GuardedRedis.from_url(url, **SOCKET_OPTIONS)


def redis_client() -> redis.Redis:
    if not settings.REDIS_URL:
        raise RuntimeError("REDIS_URL is not configured")
    return _client(settings.REDIS_URL)
