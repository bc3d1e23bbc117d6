"""What every storefront view shares: login for pages, DomainErrors shown in Chinese on the page,
htmx answers and safe redirects. The distributor centre pages build on the same helpers.

- ``@shopper_page`` (login required) / ``@public_page``: a ``DomainError`` raised by a service or
  selector becomes the shopper-facing answer: a 404 page for ``NotFound``, a toast for an htmx
  request, a flash message and a redirect back for a plain POST, an error page for a GET.
- ``render_page(request, template, context, title=..., back=..., tab=...)``: renders a page on
  ``storefront/base.html`` with the header title, back link and active bottom tab.
- ``redirect_back(request, fallback)``: to the ``next`` field/parameter or the fallback, never off-site.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from fenxiao.core.errors import DomainError, NotFound
from fenxiao.core.limits import BIGINT_MAX

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """A local path to go on to; anything pointing off-site falls back."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, request.POST.get("next") or request.GET.get("next"), fallback))


def login_url(next_path: str) -> str:
    return f"{reverse('storefront:login')}?{urlencode({'next': next_path})}"


def render_page(
    request: HttpRequest,
    template: str,
    context: dict | None = None,
    *,
    title: str = "分销商城",
    back: str | None = None,
    tab: str = "",
    status: int = 200,
) -> HttpResponse:
    """A full page on ``base.html``: ``title`` in the header, ``back`` as the header's back link
    (None: no back link), ``tab`` the active bottom tab (home, category, cart, me; "" hides the bar)."""
    page = {"title": title, "back": back, "tab": tab}
    return render(request, template, {**(context or {}), "page": page}, status=status)


def toast(request: HttpRequest, message: str, *, level: str = "error", status: int = 200) -> HttpResponse:
    """An htmx answer that shows ``message`` in the page's toast instead of swapping its target."""
    response = render(request, "storefront/partials/toast.html", {"message": message, "level": level}, status=status)
    response["HX-Retarget"] = "#toast"
    response["HX-Reswap"] = "innerHTML"
    return response


def error_answer(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """How a refused request reads to the shopper: always the service's Chinese message."""
    if is_htmx(request):
        return toast(request, exc.message)
    if isinstance(exc, NotFound):
        return render_page(
            request, "storefront/error.html", {"message": exc.message, "code": exc.code}, title="页面不存在", status=404
        )
    if request.method == "POST":
        messages.error(request, exc.message)
        referer = request.headers.get("Referer", "")
        return redirect_back(request, safe_next(request, referer, reverse("storefront:home")))
    return render_page(
        request, "storefront/error.html", {"message": exc.message, "code": exc.code}, title="出错了", status=exc.status
    )


def public_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            logger.info("storefront: %s refused %s: %s", request.path, exc.code, exc.message)
            return error_answer(request, exc)

    return wrapper


def shopper_page(view: View) -> View:
    """A page for a signed-in shopper: visitors go to the login page and come back after."""
    guarded = public_page(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            target = request.get_full_path() if request.method == "GET" else request.headers.get("Referer", "")
            target = safe_next(request, target, reverse("storefront:home"))
            if is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = login_url(target)
                return response
            return HttpResponseRedirect(login_url(target))
        return guarded(request, *args, **kwargs)

    return wrapper


def int_param(raw: str | None, *, default: int | None = None, minimum: int = 1) -> int | None:
    """A positive integer from a query or form field; anything else is the default, because a
    hand-edited URL should show the page rather than fail it. A number no database column can
    hold counts as anything else: SQLite refuses to bind it at all."""
    try:
        value = int(raw) if raw not in (None, "") else default
    except (TypeError, ValueError):
        return default
    if value is not None and not minimum <= value <= BIGINT_MAX:
        return default
    return value


def required_int(raw: str | None, *, field: str, label: str) -> int:
    """A positive integer the action cannot do without: refused with a Chinese message."""
    value = int_param(raw)
    if value is None:
        raise DomainError("FORM_INVALID", f"{label}不正确", field=field)
    return value


def pager(page) -> dict:
    """``core.paging.Page`` as the pager partial reads it."""
    pages = max((page.count + page.page_size - 1) // page.page_size, 1) if page.page_size else 1
    return {"page": page.page, "pages": pages, "prev": page.page - 1, "next": page.page + 1, "count": page.count}
