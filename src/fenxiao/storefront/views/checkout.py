"""Checkout: the basket (the cart's selected lines, or one SKU from "立即购买"), the address book,
shipping, coupons and the total, all priced by ``checkout_quote`` exactly as the order will be;
then ``order_create`` and on to payment."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fenxiao.accounts import selectors as accounts
from fenxiao.core.limits import is_row_id_text
from fenxiao.orders import services
from fenxiao.orders.api.schemas.orders import quote_dict
from fenxiao.orders.cart import selectors as cart_selectors
from fenxiao.orders.checkout import LineRequest, checkout_quote
from fenxiao.orders.errors import OrderError
from fenxiao.promotions.api.coupon_schemas import evaluation_dict
from fenxiao.promotions.coupons import selectors as coupons
from fenxiao.storefront.shortcuts import int_param, render_page, shopper_page

MAX_REMARK = 200


def _lines(request: HttpRequest, data: QueryDict) -> tuple[list[LineRequest], bool]:
    """``from_cart=1``: the cart's selected lines; else ``lines=sku_id:quantity`` repeated."""
    if data.get("from_cart") == "1":
        return [LineRequest(s, q) for s, q in cart_selectors.cart_selected_lines(user_id=request.user.pk)], True
    try:
        return [LineRequest(int(s), int(q)) for s, q in (raw.split(":", 1) for raw in data.getlist("lines"))], False
    except ValueError as exc:
        raise OrderError("LINES_INVALID", "商品参数格式应为 sku_id:数量", field="lines") from exc


def _options(choice: str) -> dict:
    """The coupon choice as the pricing hook reads it: best, none, or one coupon id."""
    if choice == "none":
        return {}
    # ASCII digits only ("²".isdigit() is True but int("²") fails), and an id a row can have.
    coupon_id = int_param(choice) if is_row_id_text(choice) else None
    if coupon_id is not None:
        return {"coupon_id": coupon_id}
    return {"coupon": "best"}


@shopper_page
def checkout(request: HttpRequest) -> HttpResponse:
    lines, from_cart = _lines(request, request.GET)
    address_id = int_param(request.GET.get("address_id"))
    choice = request.GET.get("coupon", "best")
    priced = checkout_quote(user=request.user, lines=lines, address_id=address_id, options=_options(choice))
    # Coupons are offered against the basket as priced without one, as /api/v1/coupons/usable does.
    plain = checkout_quote(user=request.user, lines=lines, address_id=address_id, check_stock=False)
    found = coupons.coupons_for_basket(user=request.user, lines=plain.quote.lines, now=timezone.now())
    quote = quote_dict(priced.quote, request)
    here = request.get_full_path()
    context = {
        "quote": quote,
        "address": quote["address"],
        "addresses": list(accounts.address_list(user=request.user)),
        "usable": [evaluation_dict(e) for e in found if e.reason is None],
        "unusable": [evaluation_dict(e) for e in found if e.reason is not None],
        "coupon": choice,
        "lines_raw": [f"{line.sku_id}:{line.quantity}" for line in lines],
        "from_cart": from_cart,
        "idempotency_key": uuid.uuid4().hex,
        "address_book_url": f"{reverse('storefront:addresses')}?{urlencode({'pick': '1', 'next': here})}",
        "new_address_url": f"{reverse('storefront:address_new')}?{urlencode({'next': here})}",
    }
    back = reverse("storefront:cart") if from_cart else None
    return render_page(request, "storefront/checkout.html", context, title="确认订单", back=back)


@require_POST
@shopper_page
def checkout_submit(request: HttpRequest) -> HttpResponse:
    lines, from_cart = _lines(request, request.POST)
    remark = request.POST.get("remark", "").strip()
    if len(remark) > MAX_REMARK:
        raise OrderError("REMARK_TOO_LONG", f"订单备注不能超过 {MAX_REMARK} 个字", field="remark")
    order = services.order_create(
        user=request.user,
        lines=lines,
        address_id=int_param(request.POST.get("address_id")),
        remark=remark,
        options=_options(request.POST.get("coupon", "best")),
        idempotency_key=request.POST.get("idempotency_key") or None,
        from_cart=from_cart,
    )
    return HttpResponseRedirect(reverse("storefront:order_pay", args=[order.id]))
