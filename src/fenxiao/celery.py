"""The Celery application. Configured from Django settings (``CELERY_*``, "Background work").

With ``CELERY_BROKER_URL`` set (RabbitMQ ``amqp://...`` or Redis ``redis://...``) the background
work runs on workers, never in the web processes::

    celery -A fenxiao worker -Q default,payments,notifications,reports   # any number of them
    celery -A fenxiao beat                                              # exactly one

(``make worker`` and ``make beat``.) Each worker may take some of the queues only, e.g. one for
``payments`` alone. Beat keeps its schedule file under ``FENXIAO_VAR_DIR`` and sends one sweep
round per queue every ``SWEEP_INTERVAL_SECONDS`` (``sweep_schedule``).

Without a broker tasks run eagerly in the caller, events run in the web process after commit and
a thread of the web process runs the sweeps (``fenxiao.core.sweeper``)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init, worker_ready
from kombu import Queue

from fenxiao.core.extensions import SWEEP_ORDER
from fenxiao.core.planner_statistics import SWEEP_NAME as PLANNER_STATISTICS
from fenxiao.core.planner_statistics import planner_statistics_interval
from fenxiao.core.task_routing import DEFAULT, QUEUES, SWEEP_TASK, queue_for_sweep, sweep_groups

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenxiao.settings")

app = Celery("fenxiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = tuple(Queue(name, routing_key=name) for name in QUEUES)
app.conf.task_default_queue = DEFAULT
app.conf.task_routes = ("fenxiao.core.task_routing.route_task",)
app.autodiscover_tasks()


def _entry(queue: str, names: list[str], interval: float, *, group: str = "") -> dict[str, Any]:
    return {
        "task": SWEEP_TASK,
        "schedule": interval,
        "kwargs": {"group": group or queue, "names": names},
        "options": {"queue": queue, "expires": interval},
    }


def sweep_schedule(interval: float, planner_statistics: float = 0) -> dict[str, dict[str, Any]]:
    """One beat entry per queue's group of sweeps, in ``SWEEP_ORDER`` inside the group, and one
    for the planner-statistics check alone every ``planner_statistics`` seconds when that is more
    often. A round not started within one interval expires: the next one is already on its way."""
    schedule = {f"sweeps:{queue}": _entry(queue, names, interval) for queue, names in sweep_groups(SWEEP_ORDER).items()}
    frequent = planner_statistics_interval(interval, planner_statistics)
    if frequent is not None:
        # A round lock of its own: holding its queue's would make that queue's whole round skip.
        queue = queue_for_sweep(PLANNER_STATISTICS)
        schedule[f"sweeps:{PLANNER_STATISTICS}"] = _entry(
            queue, [PLANNER_STATISTICS], frequent, group=PLANNER_STATISTICS
        )
    return schedule


@app.on_after_configure.connect
def _schedule_sweeps(sender: Celery, **_: object) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = sweep_schedule(
        float(settings.SWEEP_INTERVAL_SECONDS), float(settings.PLANNER_STATISTICS_INTERVAL_SECONDS)
    )


@worker_init.connect
@beat_init.connect
def _refuse_unsafe_sandbox(**_: object) -> None:
    """Like ``wsgi.py``: workers and beat run no system checks, and a worker of a shop that forgot
    ``WECHAT_MODE=live`` would pay commission out through the transfer sandbox. SystemExit, because
    Celery logs and ignores an ``Exception`` a signal handler raises."""
    from django.core.exceptions import ImproperlyConfigured

    from fenxiao.integrations.wechat.sandbox_guard import refuse_unsafe_sandbox

    try:
        refuse_unsafe_sandbox()
    except ImproperlyConfigured as exc:
        raise SystemExit(str(exc)) from exc


@worker_ready.connect
def _release_stale_sweep_locks(sender: Any = None, **_: object) -> None:
    from fenxiao.core.sweep_lock import release_stale_locks

    if sender is not None and getattr(sender, "hostname", None):
        release_stale_locks(owner=sender.hostname)
