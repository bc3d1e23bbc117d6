"""How an export kind is declared: columns over ``values_list`` fields, the filters its admin list
offers, and the permission that guards it. Pure declarations: the kinds live in ``kinds``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from fenxiao.analytics.exports import errors


class CellType(Enum):
    """What a cell holds; the writers render each the same way in CSV and XLSX."""

    TEXT = "text"  # people's text: guarded against formula injection
    INT = "int"  # counts, ids, and ``*_fen`` amounts for finance to sum
    YUAN = "yuan"  # integer fen shown as yuan with two decimals
    TIME = "time"  # an aware datetime shown in the shop's time zone


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    type: CellType = CellType.TEXT
    # Applied to the raw value first (a choice label, a mask); its result is a TEXT cell.
    convert: Callable[[Any], Any] | None = None


def choice_label(choices: Any) -> Callable[[Any], str]:
    """``OrderStatus`` → a function mapping a stored value to its Chinese label."""
    labels = dict(choices.choices)
    return lambda value: labels.get(value, value or "")


def _positive_int(name: str, raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise errors.bad_filter(name, f"{name} 必须是正整数")
    return int(raw)


@dataclass(frozen=True)
class Filter:
    """One of the admin list's filters, as a request parameter. ``choices`` (stored values)
    refuse anything else; otherwise the value is a positive id, or plain text when ``text``."""

    name: str
    lookup: str
    choices: Sequence[str] = ()
    text: bool = False
    to_value: Callable[[Any], Any] | None = None

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if self.choices:
            if raw not in self.choices:
                raise errors.bad_filter(self.name, f"{self.name} 只能是：{'、'.join(self.choices)}")
            return raw
        if self.text:
            if not raw or len(raw) > 100:
                raise errors.bad_filter(self.name, f"{self.name} 不能为空且不超过 100 个字符")
            return raw
        return _positive_int(self.name, raw)

    def lookup_value(self, value: Any) -> Any:
        return self.to_value(value) if self.to_value else value


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class ExportKind:
    name: str
    title: str  # what the file and the audit log call it
    model: type[Model]
    permission: str  # the Django view permission of the exported model
    date_field: str  # the kind's natural date, the one ``from``/``to`` bound
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    # How rows relate to the admin list the buttons sit on: ``{scope: list_queryset}``.
    admin_model: type[Model] | None = None
    admin_scope: str = "pk__in"
    select_related: tuple[str, ...] = field(default=())
    # Figures computed per row in the same SELECT (the admin list's columns), named in ``columns``.
    annotate: Callable[[QuerySet], QuerySet] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The distinct ``values_list`` fields, in first-use order."""
        return tuple(dict.fromkeys(c.field for c in self.columns))

    def filter_named(self, name: str) -> Filter | None:
        return next((f for f in self.filters if f.name == name), None)

    def queryset(self, *, date_from: date | None, date_to: date | None, values: dict[str, Any]) -> QuerySet:
        """Every row of the kind within local days ``date_from``..``date_to`` (both included)
        matching the list filters in ``values`` (already parsed), oldest first."""
        qs = self.model._default_manager.all()
        if date_from:
            qs = qs.filter(**{f"{self.date_field}__gte": local_midnight(date_from)})
        if date_to:
            qs = qs.filter(**{f"{self.date_field}__lt": local_midnight(date_to + timedelta(days=1))})
        for name, value in values.items():
            spec = self.filter_named(name)
            assert spec is not None, name  # parse_filters let only declared ones through
            qs = qs.filter(**{spec.lookup: spec.lookup_value(value)})
        return qs.order_by("pk")

    def scoped_to(self, list_queryset: QuerySet) -> QuerySet:
        """The rows behind an admin list's current queryset (its filters, search and dates)."""
        ids = list_queryset.order_by().values("pk")
        return self.model._default_manager.filter(**{self.admin_scope: ids}).order_by("pk")

    def rows(self, queryset: QuerySet) -> Iterator[tuple[Any, ...]]:
        """Raw value tuples, ``EXPORT_CHUNK_ROWS`` at a time from the database (a server-side
        cursor on PostgreSQL): memory holds one chunk whatever the total."""
        if self.annotate is not None:
            queryset = self.annotate(queryset)
        return queryset.values_list(*self.fields).iterator(chunk_size=settings.EXPORT_CHUNK_ROWS)
