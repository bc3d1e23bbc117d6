"""A short-lived cache of rendered catalogue list pages, invalidated by a catalogue version.

The product list is the hottest read of the mall (every home screen and category tab) and most of
its cost is Python building the same twenty cards again. Rendered pages are kept in the shared
cache (Redis in production) under a key that includes the catalogue version; anything that
changes what a card shows bumps the version after its transaction commits, so the next request
renders fresh. The TTL bounds staleness of what no hook sees (stock sold by orders: the card's
"in stock" flag may lag by at most ``CATALOG_LIST_CACHE_SECONDS``; the product page's stock is always
live). Several workers must share one cache (Redis) for a bump in one to reach the others.

The same changes also give the version row in the database (``CatalogVersion``) a new value: product
pages are kept rendered in each process and checked against it (``catalog/api/product_page.py``)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from fenxiao.catalog.models import CatalogVersion
from fenxiao.core.redis import log_without_redis

logger = logging.getLogger(__name__)
VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def _bump() -> None:
    """Runs after the change committed, so a cache outage must not turn the write into a server
    error. A missed bump leaves pages cached before the outage for their TTL at most: those are
    the only ones under the old version, since nothing is stored while the cache is down."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (fresh cache): any new value invalidates nothing stale
            cache.add(VERSION_KEY, 2, timeout=None)
    except Exception:
        log_without_redis(logger, "catalog list cache version not bumped")


def catalog_changed() -> None:
    """Call from any write that changes what shoppers see in lists. Bumps after commit, so a
    reader can never cache the old rows under the new version. Product pages are checked against
    the version row in the database instead (``_bump_pages``)."""
    transaction.on_commit(_bump)
    transaction.on_commit(_bump_pages)


def cached_render(parts: tuple, render: Callable[[], bytes]) -> bytes:
    """Return the rendered bytes for ``parts`` from the cache, rendering and storing on a miss.
    A cache outage degrades to rendering every time, never to an error."""
    seconds = settings.CATALOG_LIST_CACHE_SECONDS
    if seconds <= 0:
        return render()
    try:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        key = f"catalog:list:{catalog_version()}:{digest}"
        body = cache.get(key)
    except Exception:
        log_without_redis(logger, "catalog list cache unavailable; rendering without it")
        return render()
    if body is None:
        body = render()
        try:
            cache.set(key, body, timeout=seconds)
        except Exception:
            log_without_redis(logger, "catalog list cache unavailable; not storing")
    return body


def _bump_pages() -> None:
    """Give the catalogue version row (``CatalogVersion``) a new value, after the change committed:
    every product page kept rendered is checked against it. In a statement of its own, so no writer
    holds the row's lock while it works on stock or SKU rows (no lock-order cycle with them). A
    failure is logged, never raised: the change stands, and pages then lag by
    ``CATALOG_DETAIL_CACHE_SECONDS`` at most (their prices, stock and shelf state never do)."""
    try:
        catalog_pages_version(bump=True)
    except Exception:
        logger.exception("catalog version row not bumped; product pages may lag")


def catalog_pages_version(*, bump: bool = False) -> int:
    """The version row's value, creating the row if it is missing (a flushed test database);
    ``bump`` gives it a new random value first."""
    value = secrets.randbits(62)
    if bump and CatalogVersion.objects.filter(pk=1).update(value=value):
        return value
    return CatalogVersion.objects.get_or_create(pk=1, defaults={"value": value})[0].value
