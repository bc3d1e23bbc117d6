"""The database cannot be reached right now: answered 503 with ``Retry-After``, never 500.

A 500 tells the client (and the operator reading the logs) that the request hit a bug; a database
that refuses connections ("too many clients", restarting, unreachable) is a passing state, and the
mini-program, a browser or a load balancer should simply try again a little later.

Only errors that say the database is unavailable count; every other ``OperationalError`` is still
a 500, as a bug or a broken schema should be:

* PostgreSQL (psycopg): an error the server did not answer with a SQLSTATE (a connection that
  could not be made or was lost: refused, reset, closed, timed out; psycopg reports a refusal at
  connect time, "too many clients" included, that way), a pool that had no connection to give in
  time, and the SQLSTATE classes 08 (connection exception) and 53 (insufficient resources:
  too many connections, out of memory, disk full), and 57P01-57P03 (shutting down, crashed,
  starting up).
* SQLite: "database is locked", i.e. another writer held the file for the whole busy timeout
  (20 s): contention, which passes, not a bug; and "unable to open database file".
"""

from __future__ import annotations

import logging
import sqlite3

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
CODE = "SERVICE_UNAVAILABLE"
MESSAGE = "服务繁忙，请稍后再试"

_PG_CLASSES = ("08", "53")
_PG_STATES = frozenset({"57P01", "57P02", "57P03"})
_SQLITE_MESSAGES = ("database is locked", "unable to open database file")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (Django's wrapped error, or the driver's own) says the database cannot be
    reached right now rather than that the request or the schema is wrong."""
    if isinstance(exc, OperationalError) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, sqlite3.OperationalError):
        return str(exc).startswith(_SQLITE_MESSAGES)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite runs need not load it
        return False
    if not isinstance(exc, psycopg.OperationalError):
        return False
    sqlstate = exc.sqlstate
    return sqlstate is None or sqlstate.startswith(_PG_CLASSES) or sqlstate in _PG_STATES


def unavailable_page(request: HttpRequest) -> HttpResponse:
    """The storefront's and the admin's 503 page. Rendered without the request's context
    processors: they would read the user, from the database that is down."""
    home = "/admin/" if request.path.startswith("/admin/") else "/"
    body = render_to_string("503.html", {"home": home, "message": MESSAGE, "retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def log_unavailable(request: HttpRequest, exc: BaseException) -> None:
    # One line: the cause is outside the code, and an outage would repeat a traceback per request.
    logger.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
