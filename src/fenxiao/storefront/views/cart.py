"""The cart page and its htmx actions (quantity, selection, delete), and "add to cart / buy now"
from a product page. Every action answers with the whole cart body, since the totals change."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fenxiao.orders.api.schemas.cart import cart_dict
from fenxiao.orders.cart import selectors as cart_selectors
from fenxiao.orders.cart import services as cart_services
from fenxiao.storefront.shortcuts import (
    int_param,
    is_htmx,
    redirect_back,
    render_page,
    required_int,
    shopper_page,
)


def _cart_context(request: HttpRequest) -> dict:
    return {"cart": cart_dict(cart_selectors.cart_get(user_id=request.user.pk), request)}


def _cart_answer(request: HttpRequest) -> HttpResponse:
    if is_htmx(request):
        return render(request, "storefront/partials/cart_body.html", _cart_context(request))
    return HttpResponseRedirect(reverse("storefront:cart"))


@shopper_page
def cart_page(request: HttpRequest) -> HttpResponse:
    return render_page(request, "storefront/cart.html", _cart_context(request), title="购物车", tab="cart")


@require_POST
@shopper_page
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add to cart, or "立即购买": straight to checkout with just this SKU, leaving the cart alone."""
    sku_id = required_int(request.POST.get("sku_id"), field="sku_id", label="商品规格")
    quantity = required_int(request.POST.get("quantity"), field="quantity", label="购买数量")
    if request.POST.get("action") == "buy":
        return HttpResponseRedirect(f"{reverse('storefront:checkout')}?lines={sku_id}:{quantity}")
    cart_services.cart_item_add(user_id=request.user.pk, sku_id=sku_id, quantity=quantity)
    messages.success(request, "已加入购物车")
    return redirect_back(request, reverse("storefront:cart"))


@require_POST
@shopper_page
def cart_item_update(request: HttpRequest, item_id: int) -> HttpResponse:
    quantity = int_param(request.POST.get("quantity"))
    selected = {"1": True, "0": False}.get(request.POST.get("selected", ""))
    if "quantity" in request.POST and quantity is None:
        required_int(None, field="quantity", label="购买数量")
    cart_services.cart_item_update(user_id=request.user.pk, item_id=item_id, quantity=quantity, selected=selected)
    return _cart_answer(request)


@require_POST
@shopper_page
def cart_item_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    cart_services.cart_item_delete(user_id=request.user.pk, item_id=item_id)
    return _cart_answer(request)


@require_POST
@shopper_page
def cart_select_all(request: HttpRequest) -> HttpResponse:
    cart_services.cart_items_select(user_id=request.user.pk, selected=request.POST.get("selected") == "1")
    return _cart_answer(request)
