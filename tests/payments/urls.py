"""Fallback URLconf for the payment API tests, used only while the project's ``fenxiao.urls``
cannot be imported (other apps' routers mid-change): the payments router on its own NinjaAPI with
the project's error handlers."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from fenxiao.core.api import api as project_api
from fenxiao.payments.api import router

api = NinjaAPI(urls_namespace="payments_test_api", docs_url=None, openapi_url=None)
for exc_class, handler in project_api._exception_handlers.items():
    api.add_exception_handler(exc_class, handler)
api.add_router("/v1", router)

urlpatterns = [path("api/", api.urls)]
