"""The in-process sweeper for the embedded default (no Celery broker): a daemon thread of the
web process that runs the sweeps every ``SWEEP_INTERVAL_SECONDS``. With several web workers each
runs one; the sweeps are idempotent and lock what they change, so that only costs queries."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from fenxiao.core.extensions import run_sweeps

logger = logging.getLogger(__name__)
_started = threading.Event()


def _loop(interval: float) -> None:
    while True:
        time.sleep(interval)
        try:
            close_old_connections()
            counts = run_sweeps(now=timezone.now())
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
    thread = threading.Thread(
        target=_loop, args=(settings.SWEEP_INTERVAL_SECONDS,), name="fenxiao-sweeper", daemon=True
    )
    thread.start()
    logger.info(
        "in-process sweeper started (every %s s); set CELERY_BROKER_URL to use Celery beat",
        settings.SWEEP_INTERVAL_SECONDS,
    )
    return True
