"""Request figures, kept cheap (issue 22 wants API requests lean): one histogram observation per
request, no database, no string built from the path.

The route is the URL pattern that matched (``api/v1/orders/<int:order_id>/pay``), never the path
itself: ids in labels would make a new time series per order and fill Prometheus. A request no
pattern matched (a 404, a static file WhiteNoise served) is ``<unmatched>``. Unknown methods are
``OTHER``, so a client cannot invent label values either."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fenxiao.core.observability.metrics import HTTP_REQUEST_SECONDS

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.route or UNMATCHED) if match is not None else UNMATCHED


def status_class(status_code: int) -> str:
    return f"{status_code // 100}xx"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "OTHER"
        HTTP_REQUEST_SECONDS.labels(method, route_of(request), status_class(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response
