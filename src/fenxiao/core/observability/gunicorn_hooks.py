"""gunicorn server hooks for multiprocess metrics, for a gunicorn config file to import:

    # gunicorn.conf.py
    from fenxiao.core.observability.gunicorn_hooks import child_exit, on_starting  # noqa: F401

With ``PROMETHEUS_MULTIPROC_DIR`` (one folder per node, shared by that node's gunicorn workers
and Celery children, never by two nodes) each process writes its figures to files there and
``/metrics`` sums them. The folder must start empty, or a restarted node would add its previous
life's counters to the new ones: ``on_starting`` empties it when the master starts (start the
Celery worker after gunicorn, or empty the folder in the unit that starts first). ``child_exit``
tells prometheus_client a worker died, so its live-only gauges stop counting; its counters and
histograms stay in the sum, as they should. Without the variable both hooks do nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any


def _multiproc_dir() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(folder) if folder else None


def wipe_multiproc_dir() -> None:
    """Empty (or create) the folder; the folder itself stays, so it may be a mount point."""
    folder = _multiproc_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)


def on_starting(server: Any) -> None:
    wipe_multiproc_dir()


def child_exit(server: Any, worker: Any) -> None:
    if _multiproc_dir() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
