"""What an export asks for, parsed and checked once: the kind, the format and the rows (either
the API's filters or an admin list's query string). ``filters`` is plain JSON, what an
``ExportJob`` stores to rebuild the very same queryset in the background."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from fenxiao.accounts.models import User
from fenxiao.analytics.exports import errors
from fenxiao.analytics.exports.columns import ExportKind
from fenxiao.analytics.exports.kinds import FORMATS, KINDS

ADMIN_LIST = "admin_list"  # the filters key holding an admin changelist's query string

# The admin face registers how an admin list's query string becomes its queryset (it alone may
# build a ChangeList); a background job of an admin export calls it.
AdminListResolver = Callable[[ExportKind, str, User], QuerySet]
_admin_list_resolver: list[AdminListResolver] = []


def admin_list_resolver_set(resolver: AdminListResolver) -> None:
    _admin_list_resolver[:] = [resolver]


def export_kind_get(name: str) -> ExportKind:
    kind = KINDS.get(name)
    if kind is None:
        raise errors.unknown_kind(name)
    return kind


def export_format_check(fmt: str) -> str:
    if fmt not in FORMATS:
        raise errors.unknown_format(fmt)
    return fmt


def export_allowed(user: User, kind: ExportKind) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(kind.permission))


def export_check_allowed(user: User, kind: ExportKind) -> None:
    if not export_allowed(user, kind):
        raise errors.not_allowed()


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    format: str
    filters: dict[str, Any]  # JSON: {"from": "2026-11-01", "status": "paid"} or {ADMIN_LIST: "..."}

    def queryset(self, user: User) -> QuerySet:
        if ADMIN_LIST in self.filters:
            if not _admin_list_resolver:
                raise RuntimeError("no admin list resolver registered (is the exports admin loaded?)")
            return self.kind.scoped_to(_admin_list_resolver[0](self.kind, self.filters[ADMIN_LIST], user))
        values = {k: v for k, v in self.filters.items() if k not in ("from", "to")}
        return self.kind.queryset(
            date_from=_day(self.filters.get("from")), date_to=_day(self.filters.get("to")), values=values
        )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def export_request_parse(
    *, kind: str, fmt: str, date_from: date | None, date_to: date | None, params: Mapping[str, str]
) -> ExportRequest:
    """Check everything the API was given, then describe the export. No limit on the span: a
    year's orders are a normal request, and a big one goes to the background anyway."""
    spec = export_kind_get(kind)
    export_format_check(fmt)
    if date_from and date_to and date_from > date_to:
        raise errors.bad_range()
    filters: dict[str, Any] = {}
    if date_from:
        filters["from"] = date_from.isoformat()
    if date_to:
        filters["to"] = date_to.isoformat()
    for name, raw in params.items():
        if raw is None or raw == "":
            continue
        declared = spec.filter_named(name)
        if declared is None:
            offered = "、".join(f.name for f in spec.filters) or "无"
            raise errors.bad_filter(name, f"{spec.title}导出不支持筛选条件 {name[:32]}（可用：{offered}）")
        filters[name] = declared.parse(str(raw))
    return ExportRequest(kind=spec, format=fmt, filters=filters)


def export_request_from_admin(*, kind: ExportKind, fmt: str, query: str) -> ExportRequest:
    return ExportRequest(kind=kind, format=export_format_check(fmt), filters={ADMIN_LIST: query})
