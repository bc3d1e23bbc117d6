"""The shop's URLconf plus the no-op view the floors measure."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fenxiao.urls import urlpatterns as shop_urlpatterns


def noop(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("api/v1/_noop", noop), *shop_urlpatterns]
