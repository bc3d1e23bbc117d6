"""The shopper's cart (``/api/v1/cart``). Every endpoint acts on the caller's own cart only: an item
id that belongs to someone else answers 404 ``CART_ITEM_NOT_FOUND`` like one that never existed.

Changes made on the cart page (quantity, selection) answer with the whole cart, because the
totals at the bottom change with them; an add from a product page answers with the one line."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.orders.api.schemas.cart import (
    CartAddIn,
    CartDeleteIn,
    CartItemOut,
    CartItemPatch,
    CartOut,
    CartSelectIn,
    cart_dict,
    cart_line_dict,
)
from fenxiao.orders.cart import selectors as cart_selectors
from fenxiao.orders.cart import services as cart_services

router = Router(tags=["购物车"], auth=user_auth)


def _cart(request: HttpRequest) -> dict:
    return cart_dict(cart_selectors.cart_get(user_id=request.auth.id), request)


@router.get("/items", response=CartOut, summary="我的购物车")
def cart_items(request: HttpRequest):
    return _cart(request)


@router.post("/items", response={201: CartItemOut}, summary="加入购物车（同一规格数量累加）")
@answers(404, 409)
def cart_item_add(request: HttpRequest, body: CartAddIn):
    user_id = request.auth.id
    item = cart_services.cart_item_add(
        user_id=user_id, sku_id=body.sku_id, quantity=body.quantity, selected=body.selected
    )
    return Status(201, cart_line_dict(cart_selectors.cart_line_get(user_id=user_id, item_id=item.id), request))


@router.post("/items/select", response=CartOut, summary="勾选或取消勾选（全部或部分）")
def cart_items_select(request: HttpRequest, body: CartSelectIn):
    cart_services.cart_items_select(user_id=request.auth.id, selected=body.selected, item_ids=body.item_ids)
    return _cart(request)


@router.post("/items/delete", response={204: None}, summary="批量删除")
def cart_items_delete(request: HttpRequest, body: CartDeleteIn):
    cart_services.cart_items_delete(user_id=request.auth.id, item_ids=body.item_ids)
    return Status(204, None)


@router.patch("/items/{item_id}", response=CartOut, summary="修改数量或勾选")
@answers(409)
def cart_item_update(request: HttpRequest, item_id: int, body: CartItemPatch):
    cart_services.cart_item_update(
        user_id=request.auth.id, item_id=item_id, quantity=body.quantity, selected=body.selected
    )
    return _cart(request)


@router.delete("/items/{item_id}", response={204: None}, summary="删除一件")
def cart_item_delete(request: HttpRequest, item_id: int):
    cart_services.cart_item_delete(user_id=request.auth.id, item_id=item_id)
    return Status(204, None)
