"""The API's own lane through the middleware stack (issue 22). A request that carries a bearer
token to ``/api/`` is the mini-program or an operator's tool: it has no session, no CSRF cookie,
no flash messages, no page to frame and no ``?ref=`` to bind, yet the pages' stack made it pay
for all of them (about two thirds of the server's capacity on a no-op view, bench/README.md).

``ApiLaneMiddleware`` sits after what every request needs (request id, metrics, security headers,
the client context) and hands such a request to a second chain built from ``API_LANE_MIDDLEWARE``
(the API's error shape and the input guard) around Django's own view handling: the same URLconf,
views, exception handling and signals, only fewer layers. Every other request (pages, the admin,
API calls without a token, which answer 401 through the full stack) goes on unchanged."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

API_PREFIX = "/api/"
BEARER = "Bearer "


class _LaneHandler(BaseHandler):
    """Django's request handling with the lane's middleware instead of ``MIDDLEWARE``."""

    def load_lane(self, paths: list[str]) -> Callable[[HttpRequest], HttpResponse]:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(paths):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler
        return handler


def takes_the_lane(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX) and request.META.get("HTTP_AUTHORIZATION", "").startswith(BEARER)


class ApiLaneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.lane = _LaneHandler().load_lane(list(settings.API_LANE_MIDDLEWARE))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if takes_the_lane(request):
            return with_content_length(self.lane(request))
        return self.get_response(request)


def with_content_length(response: HttpResponse) -> HttpResponse:
    """What ``CommonMiddleware`` does for the pages: without ``Content-Length`` an HTTP/1.1 server
    sends the answer chunked, which costs it more writes and clients more parsing."""
    if not response.streaming and not response.has_header("Content-Length"):
        response.headers["Content-Length"] = str(len(response.content))
    return response
