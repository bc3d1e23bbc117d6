"""The door: keeps the API's error contract for answers produced outside Ninja's handlers (Django's
405 for a wrong method, for example): every 4xx/5xx under ``/api/`` is ``{"code", "message"}``
JSON; and refuses, before any view reads it, input no view can use (a JSON body that is not an
object, a NUL character anywhere, on the API and on the pages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from fenxiao.core.web_api import error_response


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            shaped = error_response(response.status_code)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response


NUL = "\x00"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def invalid_character(field: str) -> JsonResponse:
    """PostgreSQL cannot store U+0000 in text (it raises DataError, a 500), and no name, note or
    code ever needs one: a NUL anywhere in the input is refused before any view reads it."""
    return error_response(
        422,
        "INVALID_CHARACTER",
        "参数包含非法字符",
        field=field,
        errors=[{"field": field, "message": "包含非法字符"}],
    )


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path) or "body"


def nul_in_json(payload: Any) -> str | None:
    """The field path (``items.1.sku_code``) of the first string holding a NUL, in document
    order; a NUL in a key names the object holding it (``body`` at the top). None if clean."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), payload)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if NUL in node:
                return _dotted(path)
        elif isinstance(node, dict):
            if any(NUL in key for key in node):
                return _dotted(path)
            stack.extend(((*path, key), value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, i), value) for i, value in reversed(list(enumerate(node))))
    return None


def _nul_in_querydict(data: QueryDict, where: str) -> str | None:
    for key, values in data.lists():
        if NUL in key:
            return where
        if any(NUL in value for value in values):
            return key
    return None


def _nul_in_query(request: HttpRequest) -> str | None:
    raw = request.META.get("QUERY_STRING", "")
    if "%00" not in raw and NUL not in raw:  # the usual case: no need to look at request.GET
        return None
    return _nul_in_querydict(request.GET, "query")


def _nul_in_form(request: HttpRequest) -> str | None:
    """Form fields only: an uploaded file's bytes are the file's business. Django parses forms
    for POST only, and a multipart body too big to hold in memory is left to the view, so that
    checking never refuses an upload Django itself would take."""
    if request.method != "POST":
        return None
    if request.content_type == "multipart/form-data":
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not size or (limit is not None and size > limit) or b"\x00" not in request.body:
            return None
    elif b"%00" not in request.body and b"\x00" not in request.body:
        return None
    # request.POST parses the body read above (Django keeps it), so request.body stays readable.
    return _nul_in_querydict(request.POST, "body")


def invalid_character_page(request: HttpRequest) -> HttpResponse:
    context = {"message": "参数包含非法字符", "page": {"title": "请求有误", "back": None, "tab": ""}}
    return render(request, "400.html", context, status=400)


class RequestInputMiddleware:
    """What every API request must be before a view reads it, checked once here:

    - a JSON body is an object, so that ``[]`` or ``null`` is refused with a clear error instead
      of being read as "no fields given";
    - no string in it holds a NUL (U+0000), which PostgreSQL cannot store (a DataError, a 500):
      not the path, a query key or value, a form field, nor any key or string of the JSON body
      (Django Ninja reads the body as JSON whatever its Content-Type says, so a body that merely
      looks like it may hide one is decoded to see).

    Pages get the same NUL check on their path and query string (``_page``).

    The body is decoded at most once here; a NUL is looked for in the decoded JSON only when the
    raw bytes hold a NUL or the text ``\\u0000`` (which may also be an escaped backslash followed by
    "u0000", and that is ordinary text)."""

    METHODS = frozenset({"POST", "PUT", "PATCH"})
    # WeChat Pay notifications are verified on their raw bytes and answered in WeChat's own
    # {"code": "FAIL"} shape by their handler, before anything parses them.
    EXEMPT_PREFIXES = ("/api/v1/payments/wechat/", "/api/v1/distribution/wechat/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self._page(request)
        if request.path.startswith(self.EXEMPT_PREFIXES):
            return self.get_response(request)
        if NUL in request.path:
            return invalid_character("path")
        field = _nul_in_query(request)
        if field is not None:
            return invalid_character(field)
        if request.method in self.METHODS:
            # A multipart body is never JSON; any other body may be read as JSON by the view.
            if request.content_type != "multipart/form-data":
                refused = self._check_body(request)
                if refused is not None:
                    return refused
            if request.content_type in FORM_TYPES:
                field = _nul_in_form(request)
                if field is not None:
                    return invalid_character(field)
        return self.get_response(request)

    def _page(self, request: HttpRequest) -> HttpResponse:
        """A page (storefront, admin, media) with a NUL in its path or query string answers the 400
        page. Form posts are checked on the storefront only: the admin's forms already refuse a NUL
        field by field (Django's ProhibitNullCharactersValidator), which reads better there."""
        refused = NUL in request.path or _nul_in_query(request) is not None
        if not refused and request.content_type in FORM_TYPES and not request.path.startswith("/admin/"):
            refused = _nul_in_form(request) is not None
        return invalid_character_page(request) if refused else self.get_response(request)

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        body = request.body
        is_json = request.content_type == "application/json"
        suspect = b"\\u0000" in body or b"\x00" in body  # two fast byte scans; both usually miss
        if not suspect and not (is_json and body.strip()):
            return None
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            if is_json:
                return error_response(400, "BAD_REQUEST", "请求体不是合法的 JSON")
            return None  # not JSON at all: Ninja refuses it as such, if the view reads a body
        if is_json and not isinstance(payload, dict):
            return error_response(
                422,
                "VALIDATION_ERROR",
                "参数 body 不正确：应为对象",
                field="body",
                errors=[{"field": "body", "message": "应为对象"}],
            )
        field = nul_in_json(payload) if suspect else None
        return invalid_character(field) if field is not None else None
