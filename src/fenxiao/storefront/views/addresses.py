"""The address book: list (also the checkout's picker), add, edit, delete. Input is checked by the
API's own schema (``AddressIn``) so the page and the mini-program refuse the same things."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from fenxiao.accounts import selectors, services
from fenxiao.accounts.api.schemas import AddressIn
from fenxiao.core.errors import DomainError
from fenxiao.storefront.shortcuts import render_page, safe_next, shopper_page

FIELDS = ("receiver", "phone", "province", "city", "district", "detail", "tag")
LABELS = {
    "receiver": "收货人",
    "phone": "手机号",
    "province": "省份",
    "city": "城市",
    "district": "区县",
    "detail": "详细地址",
    "postal_code": "邮编",
    "tag": "标签",
}


def _with_param(url: str, **params: object) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def _parsed(request: HttpRequest) -> AddressIn:
    """The form as ``AddressIn``, or the first problem in Chinese (``ADDRESS_INVALID``)."""
    data = {name: request.POST.get(name, "") for name in FIELDS}
    data["is_default"] = request.POST.get("is_default") == "1"
    try:
        return AddressIn(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else ""
        label = LABELS.get(field, field)
        if first.get("type") == "value_error":
            message = str(first.get("ctx", {}).get("error", "")) or f"{label}格式不正确"
        elif first.get("type") == "string_too_short":
            message = f"请填写{label}"
        elif first.get("type") == "string_too_long":
            message = f"{label}太长了"
        else:
            message = f"{label}格式不正确"
        raise DomainError("ADDRESS_INVALID", message, field=field) from exc


@shopper_page
def address_list(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.GET.get("next"), "")
    pick = request.GET.get("pick") == "1" and bool(next_url)
    rows = [
        {"address": a, "pick_url": _with_param(next_url, address_id=a.id) if pick else ""}
        for a in selectors.address_list(user=request.user)
    ]
    context = {"rows": rows, "pick": pick, "next": next_url}
    return render_page(
        request, "storefront/addresses.html", context, title="收货地址", back=next_url or reverse("storefront:me")
    )


def _form(request: HttpRequest, address, values: dict, error: str = "", status: int = 200) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), reverse("storefront:addresses"))
    context = {"address": address, "values": values, "error": error, "next": next_url}
    title = "编辑收货地址" if address else "新增收货地址"
    return render_page(request, "storefront/address_form.html", context, title=title, back=next_url, status=status)


def _save(request: HttpRequest, address_id: int | None) -> HttpResponse:
    address = selectors.address_get(user=request.user, address_id=address_id) if address_id else None
    values = {name: request.POST.get(name, "") for name in FIELDS} | {
        "is_default": request.POST.get("is_default") == "1"
    }
    try:
        body = _parsed(request)
        if address is None:
            saved = services.address_create(
                user=request.user, data=body.dict(exclude={"is_default"}), is_default=body.is_default
            )
        else:
            saved = services.address_update(user=request.user, address_id=address.id, data=body.dict())
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _form(request, address, values, exc.message, status=400)
    messages.success(request, "地址已保存")
    next_url = safe_next(request, request.POST.get("next"), reverse("storefront:addresses"))
    # Back to checkout with the address just saved chosen.
    if next_url.startswith(reverse("storefront:checkout")):
        next_url = _with_param(next_url, address_id=saved.id)
    return HttpResponseRedirect(next_url)


@shopper_page
def address_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return _form(request, None, {})


@shopper_page
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    if request.method == "POST":
        return _save(request, address_id)
    address = selectors.address_get(user=request.user, address_id=address_id)
    values = {name: getattr(address, name) for name in FIELDS} | {"is_default": address.is_default}
    return _form(request, address, values)


@require_POST
@shopper_page
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    services.address_delete(user=request.user, address_id=address_id)
    messages.success(request, "地址已删除")
    return HttpResponseRedirect(reverse("storefront:addresses"))
