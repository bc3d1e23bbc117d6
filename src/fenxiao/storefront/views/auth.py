"""Login for the H5 pages and the 我的 page.

In sandbox mode the login page is a picker of sandbox shoppers (or any new sandbox name): the
choice goes through ``user_login_wechat`` with the sandbox code, exactly as a mini-program
``wx.login`` code would, and the user is signed in with a Django session. A referral code the
visitor arrived with is bound right after. In live mode the page explains that shoppers sign in
through the mini-program (WeChat login needs ``wx.login``; the H5 pages show the same account)."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from fenxiao.accounts.services import user_login_wechat
from fenxiao.core.errors import DomainError
from fenxiao.orders import selectors as orders
from fenxiao.orders.aftersales.selectors import aftersale_open_count_for_buyer
from fenxiao.storefront import selectors
from fenxiao.storefront.referral import bind_pending_referral
from fenxiao.storefront.shortcuts import public_page, render_page, safe_next, shopper_page

SANDBOX_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _sandbox_code(request: HttpRequest) -> str:
    """``code=sandbox-alice`` from the picker, or a new name typed in (``name=frank``)."""
    code = request.POST.get("code", "").strip()
    if not code:
        name = request.POST.get("name", "").strip()
        if not SANDBOX_NAME.fullmatch(name):
            raise DomainError("LOGIN_NAME_INVALID", "请输入 1-40 位字母、数字、下划线或短横线", field="name")
        code = f"{selectors.SANDBOX_PREFIX}{name}"
    return code


@public_page
def login_page(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), reverse("storefront:home"))
    sandbox = settings.WECHAT_MODE == "sandbox"
    error = ""
    if request.method == "POST":
        try:
            if not sandbox:
                raise DomainError("SANDBOX_LOGIN_DISABLED", "请在微信小程序中登录", status=403)
            user, _tokens = user_login_wechat(code=_sandbox_code(request))
        except DomainError as exc:
            error = exc.message
        else:
            login(request, user, backend=BACKEND)
            bind_pending_referral(request)
            return HttpResponseRedirect(next_url)
    context = {
        "sandbox": sandbox,
        "shoppers": selectors.sandbox_shopper_list() if sandbox else [],
        "next": next_url,
        "error": error,
    }
    return render_page(request, "storefront/login.html", context, title="登录", status=400 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("storefront:home"))


# 我的's order shortcuts, as the mini-program's (pages/me/shortcuts.js): a tab of the order list
# and its icon; 退款/售后 opens the after-sales list and counts the after-sales still in progress.
ORDER_SHORTCUTS = (
    ("pending_payment", "wallet"),
    ("to_ship", "package"),
    ("to_receive", "truck"),
    ("completed", "package-check"),
)
# 已完成 is history, not something waiting for the shopper: no badge.
NO_BADGE = {"completed"}


def _order_shortcuts(user) -> list[dict]:
    counts = orders.order_tab_counts_for_buyer(buyer=user)
    orders_url = reverse("storefront:orders")
    shortcuts = [
        {
            "key": key,
            "label": orders.TAB_LABELS[key],
            "icon": icon,
            "url": f"{orders_url}?tab={key}",
            "count": 0 if key in NO_BADGE else counts[key],
        }
        for key, icon in ORDER_SHORTCUTS
    ]
    shortcuts.append(
        {
            "key": "after_sales",
            "label": "退款/售后",
            "icon": "undo-2",
            "url": reverse("storefront:aftersales"),
            "count": aftersale_open_count_for_buyer(buyer=user),
        }
    )
    return shortcuts


@shopper_page
def me(request: HttpRequest) -> HttpResponse:
    context = {
        "shortcuts": _order_shortcuts(request.user),
        "distributor": selectors.active_distributor(user_id=request.user.pk),
    }
    return render_page(request, "storefront/me.html", context, title="我的", tab="me")
