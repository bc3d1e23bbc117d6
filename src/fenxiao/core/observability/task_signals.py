"""Celery's side of observability, connected when ``fenxiao.core`` is ready (so in the web
processes that publish tasks and in the workers that run them):

- the request id of the request (or task) that queues a task travels in the task's headers
  (``before_task_publish``), and the worker sets it for the task's run (``task_prerun``) and
  clears it after (``task_postrun``), so the task's log lines carry the request's id;
- failures and retries are counted by task name (``task_failure``, ``task_retry``);
- the worker keeps the project's logging (``settings.LOGGING``: the JSON format, the request id
  on every line) instead of the handlers Celery would install (``setup_logging``: with a receiver
  connected Celery leaves logging alone; ``CoreConfig.ready`` runs before it is sent);
- in multiprocess metrics mode a prefork child that exits is marked dead, so its live-only
  figures leave the sum (``worker_process_shutdown``).

An eagerly run task (no broker) runs in the caller's context and keeps its id as it is."""

from __future__ import annotations

import os
from contextvars import Token
from typing import Any

from celery.signals import (
    before_task_publish,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    worker_process_shutdown,
)

from fenxiao.core.observability.metrics import TASK_FAILURES, TASK_RETRIES
from fenxiao.core.observability.request_id import current_request_id, reset_request_id, sane_request_id, set_request_id

# The message header; Celery hands unknown headers to the worker as attributes of ``task.request``.
TASK_HEADER = "fenxiao_request_id"

# task id -> the token that puts the worker's previous id back (prerun and postrun run in the
# same thread, one task at a time per thread).
_tokens: dict[str, Token] = {}


def _task_name(sender: Any) -> str:
    return getattr(sender, "name", None) or str(sender or "unknown")


def on_before_task_publish(*, headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = current_request_id()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def on_task_prerun(*, task_id: str | None = None, task: Any = None, **_: Any) -> None:
    request = getattr(task, "request", None)
    request_id = sane_request_id(getattr(request, TASK_HEADER, None))
    if request_id and task_id:
        _tokens[task_id] = set_request_id(request_id)


def on_task_postrun(*, task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id, None) if task_id else None
    if token is not None:
        reset_request_id(token)


def on_task_failure(*, sender: Any = None, **_: Any) -> None:
    TASK_FAILURES.labels(task=_task_name(sender)).inc()


def on_task_retry(*, sender: Any = None, **_: Any) -> None:
    TASK_RETRIES.labels(task=_task_name(sender)).inc()


def on_worker_process_shutdown(*, pid: int | None = None, **_: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())


def on_setup_logging(**_: Any) -> None:
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def connect() -> None:
    """Idempotent (``dispatch_uid``): ``AppConfig.ready`` may run more than once in tests."""
    before_task_publish.connect(on_before_task_publish, weak=False, dispatch_uid="fenxiao.request_id.publish")
    task_prerun.connect(on_task_prerun, weak=False, dispatch_uid="fenxiao.request_id.prerun")
    task_postrun.connect(on_task_postrun, weak=False, dispatch_uid="fenxiao.request_id.postrun")
    task_failure.connect(on_task_failure, weak=False, dispatch_uid="fenxiao.metrics.task_failure")
    task_retry.connect(on_task_retry, weak=False, dispatch_uid="fenxiao.metrics.task_retry")
    setup_logging.connect(on_setup_logging, weak=False, dispatch_uid="fenxiao.logging.celery")
    worker_process_shutdown.connect(
        on_worker_process_shutdown, weak=False, dispatch_uid="fenxiao.metrics.worker_process_shutdown"
    )
