"""Shopper catalogue: ``/api/v1/categories`` and ``/api/v1/products``. No login needed: share
links open product pages for visitors too."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from fenxiao.catalog import selectors
from fenxiao.catalog.api.product_page import product_page
from fenxiao.catalog.api.schemas import (
    CategoryOut,
    ProductDetailOut,
    ProductListQuery,
    ProductPageOut,
    page_json,
    product_card,
)
from fenxiao.catalog.cache import cached_render
from fenxiao.core.openapi_errors import answers
from fenxiao.inventory.selectors import available_by_product

router = Router(tags=["catalog"])


@router.get("/categories", response=list[CategoryOut], summary="商品分类")
def categories(request: HttpRequest):
    return selectors.category_tree()


@router.get("/products", response=ProductPageOut, summary="商品列表")
@answers(400)
def products(request: HttpRequest, filters: Query[ProductListQuery]):
    # Checked before the cache: a refused range is a 400 with its code, never a cached page.
    selectors.price_range_check(min_price_fen=filters.min_price_fen, max_price_fen=filters.max_price_fen)

    def render() -> bytes:
        page = selectors.product_list_for_shopper(
            category_id=filters.category,
            q=filters.q,
            sort=filters.sort,
            page=filters.page,
            page_size=filters.page_size,
            min_price_fen=filters.min_price_fen,
            max_price_fen=filters.max_price_fen,
        )
        stock = available_by_product([p.id for p in page.items])
        shaped = page.shaped(lambda product: product_card(product, request, stock=stock[product.id]))
        # The cards are built from typed columns into exactly ProductCardOut's fields (a test holds
        # the two byte for byte), so they are serialised as they are: validating twenty cards
        # through pydantic again cost more than the two statements that read them.
        return page_json(shaped)

    # Cards carry absolute image URLs, so the scheme and host are part of what was rendered.
    parts = (request.scheme, request.get_host(), *filters.model_dump().items())
    return HttpResponse(cached_render(parts, render), content_type="application/json; charset=utf-8")


@router.get("/products/{int:product_id}", response=ProductDetailOut, summary="商品详情")
def product_detail(request: HttpRequest, product_id: int):
    # Kept rendered per catalogue version, with stock, sales and prices read live (product_page.py).
    return HttpResponse(product_page(product_id, request), content_type="application/json; charset=utf-8")
