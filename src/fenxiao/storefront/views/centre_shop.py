"""我的小店: the distributor arranges the products their shop shows (add from the catalogue, remove,
move up or down), and the public shop page ``/shop/<code>/`` that visitors open from a share.

Every link on the public page carries ``?ref=<code>``, so a visitor who opens a product from it
is bound to the shop's owner by the storefront's referral middleware, under the platform's policy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from fenxiao.catalog import selectors as catalog
from fenxiao.catalog.api.schemas import product_card
from fenxiao.core.errors import DomainError
from fenxiao.core.media import media_url
from fenxiao.distribution.centre import selectors
from fenxiao.distribution.centre.shop import MAX_SHOP_ITEMS, shop_get, shop_item_add, shop_item_list, shop_item_remove
from fenxiao.distribution.centre.shop import shop_item_reorder as reorder
from fenxiao.inventory.selectors import available_by_product
from fenxiao.storefront.shortcuts import int_param, pager, public_page, redirect_back, render_page, required_int
from fenxiao.storefront.views.centre import back_to_centre, distributor_page

MAX_QUERY = 50


def _moves(product_ids: list[int]) -> list[dict]:
    """Per item, the whole order with it moved up or down one place: what its buttons post."""
    moves = []
    for index, product_id in enumerate(product_ids):
        up = down = ""
        if index > 0:
            swapped = product_ids.copy()
            swapped[index - 1], swapped[index] = swapped[index], swapped[index - 1]
            up = ",".join(map(str, swapped))
        if index < len(product_ids) - 1:
            swapped = product_ids.copy()
            swapped[index + 1], swapped[index] = swapped[index], swapped[index + 1]
            down = ",".join(map(str, swapped))
        moves.append({"product_id": product_id, "up": up, "down": down})
    return moves


@distributor_page
def centre_shop(request: HttpRequest) -> HttpResponse:
    distributor = selectors.distributor_get_for_user(user=request.user)
    items = shop_item_list(distributor=distributor)
    moves = _moves([i.product_id for i in items])
    context = {
        "code": distributor.code,
        "rows": [
            {"item": i, "image": media_url(i.main_image, request), **m} for i, m in zip(items, moves, strict=True)
        ],
        "count": len(items),
        "max_items": MAX_SHOP_ITEMS,
    }
    return render_page(request, "storefront/centre/shop.html", context, title="我的小店", back=back_to_centre())


@distributor_page
def centre_shop_pick(request: HttpRequest) -> HttpResponse:
    """The catalogue to pick from, each product marked when it is already in my shop."""
    distributor = selectors.distributor_get_for_user(user=request.user)
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    page = catalog.product_list_for_shopper(q=q, sort="sales", page=int_param(request.GET.get("page"), default=1))
    chosen = {i.product_id for i in shop_item_list(distributor=distributor)}
    stock = available_by_product([p.id for p in page.items])
    context = {
        "q": q,
        "products": [{**product_card(p, request, stock=stock[p.id]), "chosen": p.id in chosen} for p in page.items],
        "pager": pager(page),
        "count": len(chosen),
        "max_items": MAX_SHOP_ITEMS,
    }
    return render_page(
        request,
        "storefront/centre/shop_pick.html",
        context,
        title="挑选商品",
        back=reverse("storefront:centre_shop"),
    )


@require_POST
@distributor_page
def centre_shop_add(request: HttpRequest) -> HttpResponse:
    product_id = required_int(request.POST.get("product_id"), field="product_id", label="商品")
    shop_item_add(user_id=request.user.pk, product_id=product_id)
    messages.success(request, "已加入小店")
    return redirect_back(request, reverse("storefront:centre_shop"))


@require_POST
@distributor_page
def centre_shop_remove(request: HttpRequest) -> HttpResponse:
    product_id = required_int(request.POST.get("product_id"), field="product_id", label="商品")
    shop_item_remove(user_id=request.user.pk, product_id=product_id)
    messages.success(request, "已从小店移除")
    return redirect_back(request, reverse("storefront:centre_shop"))


def _product_ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise DomainError("FORM_INVALID", "排序不正确，请刷新后重试", field="order") from exc
    return ids


@require_POST
@distributor_page
def centre_shop_reorder(request: HttpRequest) -> HttpResponse:
    reorder(user_id=request.user.pk, product_ids=_product_ids(request.POST.get("order", "")))
    return redirect_back(request, reverse("storefront:centre_shop"))


@public_page
def shop_page(request: HttpRequest, code: str) -> HttpResponse:
    shop = shop_get(code=code)
    products = [
        {
            "id": i.product_id,
            "title": i.title,
            "image": media_url(i.main_image, request),
            "price_fen": i.price_fen,
            "market_price_fen": i.market_price_fen,
            "sales_count": i.sales_count,
            "in_stock": i.in_stock,
        }
        for i in shop.items
    ]
    context = {"shop": shop, "products": products}
    return render_page(
        request, "storefront/centre/shop_public.html", context, title=f"{shop.owner_name}的小店", tab="home"
    )
