"""An unreachable Redis costs little: a hung server costs the request that finds it out one socket
timeout, and every Redis command of the process then fails at once (``RedisUnavailable``) until
``REDIS_RETRY_AFTER_SECONDS`` have passed, when the network is tried again. Played on a
throwaway redis-server of the test's own, frozen with SIGSTOP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
import time_machine
from django.utils import timezone

from fenxiao.core.cache_backend import RedisCache
from fenxiao.core.redis import RedisUnavailable, redis_client
from tests.redis_server import redis_server

__all__ = ["redis_server"]  # fixture


@pytest.fixture
def cache(redis_server):
    return RedisCache(redis_server.url, {"OPTIONS": {"socket_timeout": 0.2}})


def test_a_hung_redis_is_waited_for_once_then_skipped_until_the_pause_is_over(cache, redis_server, settings):
    settings.REDIS_RETRY_AFTER_SECONDS = 5
    cache.set("k", 1)
    redis_server.stop()

    with pytest.raises(redis.TimeoutError) as first:
        cache.get("k")
    assert not isinstance(first.value, RedisUnavailable)  # this one went to the network and waited
    with pytest.raises(RedisUnavailable):
        cache.get("k")
    with pytest.raises(RedisUnavailable):
        cache.incr("k")

    redis_server.resume()
    with pytest.raises(RedisUnavailable):
        cache.get("k")  # still within the pause: the process does not know it is back yet
    with time_machine.travel(timezone.now() + timedelta(seconds=6), tick=False):
        assert cache.get("k") == 1


def test_the_shared_client_of_the_seckill_gate_and_token_cache_skips_it_as_well(redis_server, settings):
    settings.REDIS_URL = redis_server.url
    settings.REDIS_RETRY_AFTER_SECONDS = 5
    redis_server.kill()

    with pytest.raises(redis.ConnectionError) as first:
        redis_client().get("k")
    assert not isinstance(first.value, RedisUnavailable)
    with pytest.raises(RedisUnavailable):
        redis_client().get("k")

    redis_server.start()  # back, empty, on the same port
    with time_machine.travel(timezone.now() + timedelta(seconds=6), tick=False):
        assert redis_client().get("k") is None


def test_a_command_redis_refuses_does_not_count_as_unreachable(cache, settings):
    settings.REDIS_RETRY_AFTER_SECONDS = 5
    cache.set("text", "not a number")
    client = cache._cache.get_client("text", write=True)

    with pytest.raises(redis.ResponseError):
        client.incr(cache.make_and_validate_key("text"))

    assert cache.get("text") == "not a number"


def test_a_zero_pause_tries_the_network_every_time(cache, redis_server, settings):
    settings.REDIS_RETRY_AFTER_SECONDS = 0
    redis_server.stop()

    for _ in range(2):
        with pytest.raises(redis.TimeoutError) as raised:
            cache.get("k")
        assert not isinstance(raised.value, RedisUnavailable)
