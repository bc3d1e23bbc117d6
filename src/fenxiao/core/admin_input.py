"""Tampered input the admin's own code does not survive, tidied once for every changelist.

Django's changelist copes with most bad lookups (a ``ValueError`` becomes ``?e=1``), but not with:

- a bulk action whose ``_selected_action`` holds something that is not an id (``abc``, ``1.5``):
  ``ModelAdmin.response_action`` turns it into a ``ValueError`` (a 500). Such values are dropped
  here; when none is left Django shows its own "Items must be selected" message and redirects.
- a date-hierarchy ``<field>__year/__month/__day`` too big for ``datetime`` (``OverflowError``),
  or a year at the edge (1, 9999) whose UTC time, next year or next day does not exist
  (``OverflowError`` or ``ValueError`` outside Django's ``try``). The changelist answers those as
  Django does for bad lookups: ``?e=1``.

Every model shown in the admin has an integer (BIGINT) primary key."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from fenxiao.core.limits import is_row_id_text

DATE_PARTS = ("__year", "__month", "__day")
# Years whose whole year, and the next day, lie within what ``datetime`` holds in any time zone
# (year 1 in Asia/Shanghai begins in year 0 UTC, year 9999 ends in year 10000).
YEAR_RANGE = range(2, 9999)
MONTH_RANGE = range(1, 13)
DAY_RANGE = range(1, 32)


def date_part_ok(key: str, value: str) -> bool:
    """False for an ``__year/__month/__day`` number out of any calendar's range; what is not a
    number at all (``abc``) is left to Django, which refuses it cleanly."""
    try:
        number = int(value)
    except ValueError:
        return True
    bounds = YEAR_RANGE if key.endswith("__year") else MONTH_RANGE if key.endswith("__month") else DAY_RANGE
    return number in bounds


class AdminInputMiddleware:
    """Only changelist views of the admin (``admin:<app>_<model>_changelist``) are touched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != "admin" or not (match.url_name or "").endswith("_changelist"):
            return None
        if request.method == "POST" and ACTION_CHECKBOX_NAME in request.POST:
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            kept = [value for value in selected if is_row_id_text(value)]
            if kept != selected:
                post = request.POST.copy()
                post.setlist(ACTION_CHECKBOX_NAME, kept)
                if not kept:
                    # Down Django's "no confirmation" path, which says "Items must be selected".
                    post.setdefault("index", "0")
                post._mutable = False
                request.POST = post
        if request.method == "GET":
            for key, value in request.GET.lists():
                if key.endswith(DATE_PARTS) and not all(date_part_ok(key, v) for v in value):
                    return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return None
