"""Reads that tolerate lag go to the streaming replica (``DATABASE_REPLICA_URL``), and only those.

A replica is a few milliseconds to a few seconds behind the primary, so sending every read to it
would show a shopper an order they just placed as missing, or let a service decide on a stale row.
Reads go to it only inside an explicit scope, ``lag_tolerant_reads()``, which the callers that can
live with a slightly old picture open themselves: the data centre and dashboards (their figures
come from rollups that are behind anyway), exports, the distributors' ranking board and the
admin's change lists. Everything else, and every write, uses ``default``.

Inside the scope a read still goes to ``default`` when the default connection is in a transaction
(``transaction.atomic``): whatever that transaction wrote, or locked, must be read back from where
it was written (read-your-writes). Without ``DATABASE_REPLICA_URL`` there is no ``replica`` alias
and the scope changes nothing.

The scope is a context variable, so it belongs to one thread (a gunicorn gthread worker) or one
task (asyncio) and never leaks into a neighbour's request. ``lag_tolerant_reads()`` works as a
decorator of plain functions; for a streamed answer whose rows are read after the view returned,
``lag_tolerant_iter`` opens the scope around each step of the iteration only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
T = TypeVar("T")

_lag_tolerant: ContextVar[bool] = ContextVar("fenxiao_lag_tolerant_reads", default=False)


def replica_configured() -> bool:
    """Whether a ``replica`` database alias exists (settings add it with ``DATABASE_REPLICA_URL``)."""
    return REPLICA_DB_ALIAS in connections.settings


@contextmanager
def lag_tolerant_reads() -> Iterator[None]:
    """Inside, reads may be served by the replica (see the module's docstring for when they are not)."""
    token = _lag_tolerant.set(True)
    try:
        yield
    finally:
        _lag_tolerant.reset(token)


def in_lag_tolerant_scope() -> bool:
    return _lag_tolerant.get()


def read_alias() -> str:
    """The alias a read made here and now goes to."""
    if not _lag_tolerant.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block or not replica_configured():
        return DEFAULT_DB_ALIAS
    return REPLICA_DB_ALIAS


def lag_tolerant_iter(iterable: Iterable[T]) -> Iterator[T]:
    """``iterable``'s items, each fetched inside the scope. Not the whole loop: a generator that
    set the context variable once would leave it set for its consumer between items."""
    iterator = iter(iterable)
    while True:
        with lag_tolerant_reads():
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads by ``read_alias()``, writes and migrations on ``default`` only.

    Outside the scope a read answers ``default`` explicitly rather than leaving it to Django, which
    would follow an instance read from the replica (a related object, a refresh) back to it."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        """A row read from the replica is the primary's row: relations across the two are fine."""
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        """The replica copies the primary's schema by itself; nothing is ever migrated on it."""
        return False if db == REPLICA_DB_ALIAS else None


def lag_tolerant_changelists(site: Any) -> None:
    """Every registered ``ModelAdmin``'s change list reads through the scope when it is only being
    looked at (GET/HEAD): a POST runs an action or saves ``list_editable`` fields, and those read
    what they change from the primary. The change form is never wrapped (it shows what was just
    saved). The template is rendered inside the scope, where the list's queries actually run.

    Called once the admins are registered and before the admin's URLs are built (``urls.py``)."""
    for model_admin in site._registry.values():
        view = model_admin.changelist_view
        if getattr(view, "lag_tolerant", False):
            continue
        model_admin.changelist_view = _wrap_changelist(view)


def _wrap_changelist(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def changelist_view(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with lag_tolerant_reads():
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
        return response

    changelist_view.lag_tolerant = True  # type: ignore[attr-defined]
    return changelist_view
