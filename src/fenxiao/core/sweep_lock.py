"""One sweep round per group at a time, across every worker: a lock in the cache (Redis when
``REDIS_URL`` is set, so shared by all nodes; in-process otherwise).

Why a lock when the sweeps already lock the rows they change (``select_for_update``, skip locked,
conditional updates) and two overlapping rounds therefore never do a thing twice: a round that
runs longer than the beat interval would otherwise have the next one start beside it on another
worker, and under a backlog the rounds pile up doing the same queries. The lock makes the second
round skip at once. It expires after ``SWEEP_ROUND_TIME_LIMIT_SECONDS``, the hard time limit
after which Celery kills the round anyway, so a worker killed mid-round holds it no longer than
that; a worker that starts again releases the locks its own name still holds (it runs nothing
yet, so they are stale). If the cache cannot be reached the round runs without the lock: the row
locks keep it correct."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from fenxiao.core.task_routing import QUEUES

logger = logging.getLogger(__name__)


def _key(group: str) -> str:
    return f"sweep-round:{group}"


@contextmanager
def sweep_round_lock(group: str, *, owner: str) -> Iterator[bool]:
    """Yields whether this round holds the group's lock (False: another round is running)."""
    token = f"{owner}:{uuid.uuid4().hex}"
    try:
        held = bool(cache.add(_key(group), token, timeout=settings.SWEEP_ROUND_TIME_LIMIT_SECONDS))
    except Exception:
        logger.warning("sweep round %s: cache unreachable, running without the round lock", group, exc_info=True)
        yield True
        return
    try:
        yield held
    finally:
        if held:
            try:
                if cache.get(_key(group)) == token:
                    cache.delete(_key(group))
            except Exception:
                logger.warning("sweep round %s: could not release the round lock; it expires", group, exc_info=True)


def release_stale_locks(*, owner: str) -> list[str]:
    """Release the round locks held by ``owner`` (a worker's node name) when that worker starts:
    it is running no round yet, so what it holds is left from a previous life killed mid-round."""
    released = []
    for group in QUEUES:
        try:
            value = cache.get(_key(group))
            if isinstance(value, str) and value.rpartition(":")[0] == owner:
                cache.delete(_key(group))
                released.append(group)
        except Exception:
            logger.warning("sweep round %s: could not check the round lock", group, exc_info=True)
    return released
