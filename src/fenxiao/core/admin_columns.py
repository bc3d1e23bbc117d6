"""Changelist columns that keep the operators' lists inside a 1366 px window (a laptop with the
admin's menu and filters open): a date and time on two short lines instead of one long
"2026年12月7日 20:35", and long text cut to one line with the whole of it in the tooltip.
``core/static/fenxiao/admin-lists.css`` holds their styles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html


def stamp(value: datetime | None) -> str:
    """``2026-12-07`` over ``20:35`` in the shop's time zone; "-" for none."""
    if value is None:
        return "-"
    local = timezone.localtime(value)
    return format_html('<span class="fx-stamp">{}<br>{}</span>', local.strftime("%Y-%m-%d"), local.strftime("%H:%M"))


def time_column(field: str, label: str) -> Callable[[Any, Any], str]:
    """A sortable column showing the datetime ``field`` as ``stamp`` does."""

    @admin.display(description=label, ordering=field)
    def column(model_admin, obj) -> str:
        return stamp(getattr(obj, field))

    return column


# People's names (WeChat nicknames run to 20 characters and more) get this many em in a list.
NAME_EM = 7


def clipped(text: str, *, width_em: int = 12, link: str | None = None) -> str:
    """``text`` on one line at most ``width_em`` wide, cut with an ellipsis, a link to ``link`` if
    given; hovering shows it all."""
    if not text:
        return "-"
    shown = format_html('<a href="{}">{}</a>', link, text) if link else text
    return format_html('<span class="fx-clip" style="max-width:{}em" title="{}">{}</span>', width_em, text, shown)


def name_column(path: str, label: str, *, ordering: str | None = None) -> Callable[[Any, Any], str]:
    """A column showing the person at ``path`` (dotted attributes, e.g. ``buyer.display_name``)
    clipped to ``NAME_EM``."""

    @admin.display(description=label, ordering=ordering)
    def column(model_admin, obj) -> str:
        value = obj
        for part in path.split("."):
            value = getattr(value, part)
        return clipped(value, width_em=NAME_EM)

    return column
