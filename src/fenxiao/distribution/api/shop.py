"""My shop over JSON (DESIGN §5 "my shop"): the distributor arranges up to 50 products
(``/shop/items``), and anyone may open a shop by its code (``/shops/{code}``), whose product paths
carry the code so the visitor is bound to its owner.

Mounted at ``/v1/distribution`` next to the centre's router; the public shop needs no login."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from fenxiao.accounts.auth import user_auth
from fenxiao.core.media import media_url
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.centre import selectors
from fenxiao.distribution.centre.sharing import PRODUCT_PAGE
from fenxiao.distribution.centre.shop import (
    MAX_SHOP_ITEMS,
    ShopProduct,
    shop_get,
    shop_item_add,
    shop_item_list,
    shop_item_remove,
    shop_item_reorder,
)

router = Router(tags=["分销小店"], auth=user_auth)


class ShopItemIn(Schema):
    product_id: Annotated[int, Field(ge=1)]


class ShopOrderIn(Schema):
    product_ids: Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=MAX_SHOP_ITEMS)]


class ShopItemOut(Schema):
    product_id: int
    title: str
    subtitle: str
    image: str
    price_fen: int
    market_price_fen: int
    sales_count: int
    in_stock: bool
    on_shelf: bool
    position: int


class MyShopOut(Schema):
    code: str
    max_items: int
    items: list[ShopItemOut]


class PublicShopItemOut(ShopItemOut):
    path: str  # the mini-program page, with the owner's code as ``ref``


class PublicShopOut(Schema):
    code: str
    owner_name: str
    avatar_url: str
    items: list[PublicShopItemOut]


def _item_dict(item: ShopProduct, request: HttpRequest) -> dict:
    return {
        "product_id": item.product_id,
        "title": item.title,
        "subtitle": item.subtitle,
        "image": media_url(item.main_image, request),
        "price_fen": item.price_fen,
        "market_price_fen": item.market_price_fen,
        "sales_count": item.sales_count,
        "in_stock": item.in_stock,
        "on_shelf": item.on_shelf,
        "position": item.position,
    }


def _my_shop(request: HttpRequest) -> dict:
    distributor = selectors.distributor_get_for_user(user=request.auth)
    items = shop_item_list(distributor=distributor)
    return {"code": distributor.code, "max_items": MAX_SHOP_ITEMS, "items": [_item_dict(i, request) for i in items]}


@router.get("/shop/items", response=MyShopOut, summary="我的小店商品")
@answers(403)
def my_items(request: HttpRequest):
    return _my_shop(request)


@router.post("/shop/items", response={201: MyShopOut}, summary="把商品加入我的小店")
@answers(403, 409)
def add_item(request: HttpRequest, body: ShopItemIn):
    shop_item_add(user_id=request.auth.id, product_id=body.product_id)
    return Status(201, _my_shop(request))


@router.put("/shop/items/order", response=MyShopOut, summary="调整小店商品顺序")
def reorder_items(request: HttpRequest, body: ShopOrderIn):
    shop_item_reorder(user_id=request.auth.id, product_ids=body.product_ids)
    return _my_shop(request)


@router.delete("/shop/items/{int:product_id}", response={204: None}, summary="从我的小店移除商品")
def remove_item(request: HttpRequest, product_id: int):
    shop_item_remove(user_id=request.auth.id, product_id=product_id)
    return Status(204, None)


@router.get("/shops/{code}", response=PublicShopOut, auth=None, summary="分销商的小店（公开）")
def public_shop(request: HttpRequest, code: str):
    shop = shop_get(code=code)
    items = [
        {**_item_dict(i, request), "path": f"{PRODUCT_PAGE}?id={i.product_id}&ref={shop.code}"} for i in shop.items
    ]
    return {"code": shop.code, "owner_name": shop.owner_name, "avatar_url": shop.avatar_url, "items": items}
