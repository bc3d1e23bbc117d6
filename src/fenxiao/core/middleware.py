"""Keeps the API's error contract for answers produced outside Ninja's handlers (Django's 405 for
a wrong method, for example): every 4xx/5xx under ``/api/`` is ``{"code", "message"}`` JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fenxiao.core.api import error_response


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


class ApiJsonBodyMiddleware:
    """Every JSON body the API accepts is an object. Checked once here so that ``[]`` or ``null``
    is refused with a clear error instead of being read as "no fields given"."""

    METHODS = frozenset({"POST", "PUT", "PATCH"})
    # WeChat Pay notifications are verified on their raw bytes and answered in WeChat's own
    # {"code": "FAIL"} shape by their handler, before anything parses them.
    EXEMPT_PREFIXES = ("/api/v1/payments/wechat/", "/api/v1/distribution/wechat/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in self.METHODS
            and request.path.startswith("/api/")
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and request.content_type == "application/json"
            and request.body.strip()
        ):
            try:
                payload = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                return error_response(400, "BAD_REQUEST", "请求体不是合法的 JSON")
            if not isinstance(payload, dict):
                return error_response(
                    422,
                    "VALIDATION_ERROR",
                    "参数 body 不正确：应为对象",
                    field="body",
                    errors=[{"field": "body", "message": "应为对象"}],
                )
        return self.get_response(request)
