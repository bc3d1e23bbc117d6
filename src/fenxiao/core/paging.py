"""One page of a list: what every list endpoint answers (``{"items", "count", "page",
"page_size"}``) and the one way a queryset is cut into pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    items: list
    count: int
    page: int
    page_size: int

    def shaped(self, shape: Callable[[Any], dict]) -> dict:
        """The paged answer every list endpoint gives: ``{"items", "count", "page", "page_size"}``."""
        return {
            "items": [shape(i) for i in self.items],
            "count": self.count,
            "page": self.page,
            "page_size": self.page_size,
        }


def paginate(
    qs: QuerySet,
    *,
    page: int,
    page_size: int | None,
    default_size: int = DEFAULT_PAGE_SIZE,
    max_size: int = MAX_PAGE_SIZE,
) -> Page:
    """Page ``page`` (from 1) of ``qs``; a page past the end is empty without a query for rows."""
    page = max(page, 1)
    page_size = min(max(page_size or default_size, 1), max_size)
    count = qs.count()
    offset = (page - 1) * page_size
    items = list(qs[offset : offset + page_size]) if offset < count else []
    return Page(items=items, count=count, page=page, page_size=page_size)
