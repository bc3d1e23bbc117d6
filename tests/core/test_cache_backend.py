"""The Redis cache backend reuses its client and still behaves as Django's cache."""

from __future__ import annotations

import os

import pytest

from fenxiao.core.cache_backend import RedisCache

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"


@pytest.fixture
def cache():
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": "fx-test-cache-backend"})
    backend.clear()
    yield backend
    backend.clear()


def test_one_client_serves_every_operation(cache):
    first = cache._cache.get_client("a", write=True)

    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client(None, write=True) is first


def test_the_cache_still_sets_adds_and_expires(cache):
    cache.set("k", {"fen": 1299}, timeout=60)
    assert cache.get("k") == {"fen": 1299}
    assert cache.add("k", "other") is False
    assert cache.add("fresh", 1, timeout=60) is True
    cache.set("gone", 1, timeout=0)
    assert cache.get("gone", "missing") == "missing"
    assert cache.incr("fresh") == 2
