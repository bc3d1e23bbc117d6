"""Timed rules as sweeps: idempotent functions of "now" that find what is due and do it through
the same services a person would use (cancel unpaid orders, confirm receipt, complete orders,
query payments whose notification never came, ...).

Each app registers its sweeps at start-up. Celery beat runs them all in production
(``fenxiao.core.tasks.run_sweeps``); with no broker, a thread of the web process does
(``fenxiao.core.sweeper``); ``fenxiao sweep`` runs them once, and in sandbox mode accepts
``--as-of`` so a demo or an acceptance test can let days pass. Because every sweep only acts
on what is due and every service refuses a second transition, running them twice, late or
concurrently changes nothing more."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime

logger = logging.getLogger(__name__)

Sweep = Callable[..., int]
_sweeps: dict[str, Sweep] = {}


def register_sweep(name: str, sweep: Sweep) -> None:
    """``sweep(now=...)`` returns how many things it handled."""
    _sweeps[name] = sweep


def registered_sweeps() -> dict[str, Sweep]:
    return dict(_sweeps)


def run_sweeps(*, now: datetime, only: Collection[str] | None = None) -> dict[str, int]:
    """Run every sweep (or those named in ``only``) once, in registration order. One failing sweep
    is logged and does not stop the others; its count is -1 so a caller can tell."""
    counts: dict[str, int] = {}
    for name, sweep in _sweeps.items():
        if only is not None and name not in only:
            continue
        try:
            counts[name] = sweep(now=now)
        except Exception:
            logger.exception("sweep %s failed", name)
            counts[name] = -1
    return counts
