"""The request id: taken from nginx's ``X-Request-ID`` when it is a sane token, made up
otherwise, echoed in the response, on every JSON log line of the request, and carried in the
headers of the Celery tasks the request queues to the worker that runs them."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from celery import Celery
from celery.app.trace import trace_task
from django.conf import settings as django_settings
from django.test import Client
from prometheus_client import REGISTRY

from fenxiao.core.observability.logs import JsonLogFormatter
from fenxiao.core.observability.request_id import (
    RequestIdLogFilter,
    current_request_id,
    reset_request_id,
    set_request_id,
)
from fenxiao.core.observability.task_signals import TASK_HEADER

GENERATED = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the console handler writes with LOG_FORMAT=json: its formatter and filter, as the
    settings configure them, on a handler of our own."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RequestIdLogFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_the_settings_wire_the_filter_and_the_json_formatter():
    config = django_settings.LOGGING
    assert "request_id" in config["handlers"]["console"]["filters"]
    assert config["formatters"]["json"]["()"] == "fenxiao.core.observability.logs.JsonLogFormatter"
    assert config["handlers"]["console"]["formatter"] == django_settings.LOG_FORMAT


def test_a_sane_id_from_nginx_is_kept_and_echoed():
    response = Client().get("/metrics", headers={"X-Request-ID": "4f1c2a9e0b7d4e51a3c8f6d2b9e07a11"})
    assert response["X-Request-ID"] == "4f1c2a9e0b7d4e51a3c8f6d2b9e07a11"


@pytest.mark.parametrize("given", [None, "", "short", "a b c d e f g h", "x" * 200, "id\nfake log line"])
def test_anything_else_gets_a_new_id(given):
    headers = {"X-Request-ID": given} if given is not None else {}
    response = Client().get("/metrics", headers=headers)
    assert GENERATED.match(response["X-Request-ID"])
    assert current_request_id() is None  # nothing left behind after the request


@pytest.mark.django_db
def test_a_json_log_line_of_the_request_carries_its_id(json_lines):
    Client().get("/api/v1/no-such-endpoint", headers={"X-Request-ID": "req-from-nginx-0001"})

    [line] = [entry for entry in lines(json_lines) if entry["logger"] == "django.request"]
    assert line["request_id"] == "req-from-nginx-0001"
    assert line["level"] == "WARNING"
    assert "/api/v1/no-such-endpoint" in line["message"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line["timestamp"])
    assert "request" not in line  # the full path and query string of Django's extra stay out


def test_an_error_line_has_its_traceback(json_lines):
    token = set_request_id("req-failing-0002")
    try:
        try:
            1 / 0  # noqa: B018
        except ZeroDivisionError:
            logging.getLogger("fenxiao.test").exception("下单失败")
    finally:
        reset_request_id(token)
    logging.getLogger("fenxiao.test").warning("outside any request")

    failing, outside = lines(json_lines)
    assert (failing["request_id"], failing["message"]) == ("req-failing-0002", "下单失败")
    assert "ZeroDivisionError" in failing["exc_info"]
    assert outside["request_id"] == "-"


# -- Celery ---------------------------------------------------------------------------------


@pytest.fixture
def probe_app() -> Iterator[Celery]:
    """A Celery app on the in-memory broker: publishing is real (the signals run), nothing needs
    RabbitMQ or Redis."""
    app = Celery("probe", broker="memory://", set_as_current=False)
    app.conf.task_always_eager = False
    yield app
    app.close()


def test_a_task_queued_in_a_request_carries_its_id_to_the_worker(probe_app):
    seen: list[str | None] = []

    @probe_app.task(name="probe.record", bind=True)
    def record(self) -> None:
        seen.append(current_request_id())

    token = set_request_id("req-queued-0003")
    try:
        record.apply_async()
    finally:
        reset_request_id(token)

    with probe_app.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery")
        message = queue.get(timeout=1)
        message.ack()
        queue.close()
    assert message.headers[TASK_HEADER] == "req-queued-0003"

    # the worker side: the task runs with the message's headers as its request
    trace_task(record, message.headers["id"], (), {}, request=dict(message.headers), app=probe_app)
    assert seen == ["req-queued-0003"]
    assert current_request_id() is None  # cleared after the task


def test_task_failures_and_retries_are_counted_by_task_name(probe_app):
    @probe_app.task(name="probe.fails")
    def fails() -> None:
        raise ValueError("boom")

    @probe_app.task(name="probe.retries", bind=True, max_retries=3)
    def retries(self) -> None:
        raise self.retry(countdown=60)

    def failures(task: str) -> float:
        return REGISTRY.get_sample_value("fenxiao_task_failures_total", {"task": task}) or 0.0

    def retried(task: str) -> float:
        return REGISTRY.get_sample_value("fenxiao_task_retries_total", {"task": task}) or 0.0

    before_failures, before_retries = failures("probe.fails"), retried("probe.retries")
    trace_task(fails, "task-1", (), {}, request={}, app=probe_app)
    trace_task(retries, "task-2", (), {}, request={}, app=probe_app)
    assert failures("probe.fails") == before_failures + 1
    assert retried("probe.retries") == before_retries + 1


def test_the_worker_keeps_the_project_logging():
    """With a ``setup_logging`` receiver Celery installs no handlers of its own, so the worker's
    lines are the JSON ones with the request id (checked by hand: ``LOG_FORMAT=json celery -A
    fenxiao worker`` prints JSON)."""
    from celery.signals import setup_logging

    assert any(lookup[0] == "fenxiao.logging.celery" for lookup, _ in setup_logging.receivers)
