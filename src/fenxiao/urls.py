from __future__ import annotations

import sys

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from fenxiao.api import api
from fenxiao.core.observability.endpoint import metrics_view
from fenxiao.core.replica import lag_tolerant_changelists
from fenxiao.core.unavailable import database_unavailable, unavailable_page
from fenxiao.core.web_api import error_response, service_unavailable

admin.site.site_header = "分销商城 运营后台"
admin.site.site_title = "分销商城"
admin.site.index_title = "运营后台"
# Change lists that are only looked at read from the replica when there is one (before the URLs are built).
lag_tolerant_changelists(admin.site)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Prometheus scrapes it: bearer METRICS_TOKEN, or private addresses only (core/observability).
    path("metrics", metrics_view, name="metrics"),
    # Browsers ask for it on every page, the admin's included.
    path("favicon.ico", RedirectView.as_view(url=static("storefront/favicon.png"), permanent=True)),
    # The H5 storefront owns the rest of the site, "/" (home) included.
    path("", include("fenxiao.storefront.urls")),
]


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """``MEDIA_ROOT`` read per request, not when the URLs are first imported: a process whose
    setting changes (each test has its own media folder) serves where the files were written."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media)]


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Unknown API paths answer in the API's error shape; everything else gets Django's page."""
    if request.path.startswith("/api/"):
        return error_response(404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    """Django calls this inside the ``except`` that caught the error, wherever it was raised (a
    view, a middleware reading the session or the user), so ``sys.exc_info()`` names it. A
    database that cannot be reached is a 503 with ``Retry-After``, not a 500."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable() if request.path.startswith("/api/") else unavailable_page(request)
    if request.path.startswith("/api/"):
        return error_response(500)
    from django.views.defaults import server_error

    return server_error(request)
