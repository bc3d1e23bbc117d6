"""Celery tasks of the core: the sweep rounds beat schedules, one per queue's group of sweeps
(``core.task_routing.sweep_groups``), and the event deliveries (``core.event_tasks``).

A round is not retried: every sweep in it is idempotent and already logs its own failure (its
count is -1), and the next round, one ``SWEEP_INTERVAL_SECONDS`` later, is its retry. Beat sends
each round with ``expires`` so that rounds a stopped worker left queued are dropped, not run in a
row; ``core.sweep_lock`` keeps two rounds of one group from running side by side."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from fenxiao.core import event_tasks  # noqa: F401  (registers the event delivery task)
from fenxiao.core.extensions import run_sweeps
from fenxiao.core.sweep_lock import sweep_round_lock
from fenxiao.core.task_routing import SWEEP_TASK

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name=SWEEP_TASK,
    ignore_result=True,
    soft_time_limit=settings.SWEEP_ROUND_TIME_LIMIT_SECONDS - 30,
    time_limit=settings.SWEEP_ROUND_TIME_LIMIT_SECONDS,
)
def run_sweeps_task(self, group: str = "all", names: Sequence[str] | None = None) -> dict[str, int]:
    """Run the sweeps named in ``names`` (all of them if None) in ``SWEEP_ORDER``, unless a
    round of the same ``group`` is still running."""
    owner = self.request.hostname or "local"
    with sweep_round_lock(group, owner=owner) as held:
        if not held:
            logger.info("sweep round %s skipped: the previous one is still running", group)
            return {}
        counts = run_sweeps(now=timezone.now(), only=None if names is None else set(names))
    done = {name: n for name, n in counts.items() if n}
    if done:
        logger.info("sweeps %s: %s", group, done)
    return counts
