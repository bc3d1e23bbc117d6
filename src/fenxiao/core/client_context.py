"""Who is on the other end of the current request: the stable device id the H5 pages and the
mini-program send (``X-Device-Id``) and the client's IP (``client_address``, which honours
``TRUSTED_PROXIES``). Kept in a context variable for the request's lifetime, so a service deep in
an order placement can record them without every signature in between carrying a request (risk
writes them beside orders and bindings, issue 19 §1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from fenxiao.core.client_address import client_ip

DEVICE_HEADER = "HTTP_X_DEVICE_ID"
# The H5 pages keep the same id in a cookie too, so a plain form post (checkout) carries it.
DEVICE_COOKIE = "fx_device"
# What our clients generate (a UUID or a 32-hex string); anything else is noise, not an id.
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class ClientContext:
    device_id: str = ""
    ip: str = ""


NOBODY = ClientContext()
_current: ContextVar[ClientContext | None] = ContextVar("fenxiao_client_context", default=None)


def device_id_from(value: str | None) -> str:
    value = (value or "").strip()
    return value if DEVICE_ID.match(value) else ""


def current_client() -> ClientContext:
    return _current.get() or NOBODY


def set_current_client(context: ClientContext):
    """For tasks and tests that act for a client outside a request; returns the reset token."""
    return _current.set(context)


def reset_current_client(token) -> None:
    _current.reset(token)


class ClientContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        device = device_id_from(request.META.get(DEVICE_HEADER)) or device_id_from(request.COOKIES.get(DEVICE_COOKIE))
        token = _current.set(ClientContext(device, client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
