"""The in-process sweeper for the embedded default (no Celery broker): a daemon thread of the
web process that runs the sweeps every ``SWEEP_INTERVAL_SECONDS`` and, in between, the
planner-statistics check alone every ``PLANNER_STATISTICS_INTERVAL_SECONDS`` (a new shop's first
sale must not wait a minute for it). With several web workers each runs one; the sweeps are
idempotent and lock what they change, so that only costs queries."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from fenxiao.core.extensions import run_sweeps
from fenxiao.core.planner_statistics import SWEEP_NAME as PLANNER_STATISTICS
from fenxiao.core.planner_statistics import planner_statistics_interval

logger = logging.getLogger(__name__)
_started = threading.Event()


class Cadence:
    """When the thread wakes (``tick``) and what it runs then: every sweep once ``interval`` has
    passed since the last whole round, else the planner-statistics check alone. Times are
    ``time.monotonic()`` seconds, passed in so the rule is read (and tested) without a clock."""

    def __init__(self, interval: float, frequent: float | None, *, start: float) -> None:
        self.interval = interval
        self.tick = frequent or interval
        self.next_round = start + interval

    def due(self, now: float) -> tuple[str, ...] | None:
        """The sweeps to run now: None for all of them."""
        if now >= self.next_round - self.tick / 2:
            self.next_round = max(self.next_round + self.interval, now + self.tick)
            return None
        return (PLANNER_STATISTICS,)


def _loop(cadence: Cadence) -> None:
    while True:
        time.sleep(cadence.tick)
        only = cadence.due(time.monotonic())
        try:
            close_old_connections()
            counts = run_sweeps(now=timezone.now(), only=only)
            done = {name: n for name, n in counts.items() if n}
            if done:
                logger.info("sweeps: %s", done)
        except Exception:
            logger.exception("in-process sweep round failed")
        finally:
            close_old_connections()


def start_in_process_sweeper() -> bool:
    """Start the thread once per process, if configured; returns whether it runs. Never with a
    broker: then beat sends the rounds to the workers, and the web processes run no sweep."""
    if settings.CELERY_BROKER_URL:
        if settings.SWEEP_IN_PROCESS:
            logger.warning("SWEEP_IN_PROCESS ignored: with CELERY_BROKER_URL set, Celery beat runs the sweeps")
        return False
    if not settings.SWEEP_IN_PROCESS or _started.is_set():
        return _started.is_set()
    _started.set()
    frequent = planner_statistics_interval(
        settings.SWEEP_INTERVAL_SECONDS, settings.PLANNER_STATISTICS_INTERVAL_SECONDS
    )
    cadence = Cadence(settings.SWEEP_INTERVAL_SECONDS, frequent, start=time.monotonic())
    thread = threading.Thread(target=_loop, args=(cadence,), name="fenxiao-sweeper", daemon=True)
    thread.start()
    logger.info(
        "in-process sweeper started (every %s s, planner statistics every %s s); "
        "set CELERY_BROKER_URL to use Celery beat",
        settings.SWEEP_INTERVAL_SECONDS,
        frequent or settings.SWEEP_INTERVAL_SECONDS,
    )
    return True
