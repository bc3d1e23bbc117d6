"""One id per request, in every log line it causes, here and in the Celery tasks it queues.

nginx sets ``X-Request-ID`` (its ``$request_id``) and logs it too; a request arriving without a
sane one (a direct call, or a header someone made up to inject text into our logs) gets a new id.
The id lives in a context variable for the request's duration, ``RequestIdLogFilter`` puts it on
every log record, the response echoes it, and ``task_signals`` carries it in a task's headers to
the worker that runs the task."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
NONE = "-"
# nginx's $request_id is 32 hex characters; other proxies send UUIDs or similar tokens.
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

_current: ContextVar[str | None] = ContextVar("fenxiao_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def set_request_id(request_id: str | None) -> Token:
    """For the worker side and tests; returns the token ``reset_request_id`` takes."""
    return _current.set(request_id)


def reset_request_id(token: Token) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    return value if value and SANE_ID.match(value) else None


class RequestIdMiddleware:
    """First in the stack, so every other middleware's log lines carry the id.

    The id is not cleared when the middleware returns: Django logs a 4xx or 5xx answer
    ("Not Found: ...", "Internal Server Error: ...") after the whole middleware chain has
    returned, and that line must carry the id too. ``request_finished`` (sent once the server
    has sent the response) clears it (``connect``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane_request_id(request.META.get(META_KEY)) or new_request_id()
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _request_finished(**_: object) -> None:
    _current.set(None)


def connect() -> None:
    request_finished.connect(_request_finished, dispatch_uid="fenxiao.request_id.finished")


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or task). Attached to the
    handlers, so records of every logger get it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or NONE
        return True
