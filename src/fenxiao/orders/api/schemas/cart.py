"""Request and response shapes of ``/api/v1/cart``. Money is integer fen; images are absolute URLs."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from fenxiao.core.limits import STOCK_MAX, Quantity
from fenxiao.core.media import media_url
from fenxiao.orders.cart.selectors import CartLine, CartView

# Input bounds only keep absurd numbers out of the database; the business limits (stock,
# ORDER_MAX_UNITS_PER_SKU) are the services' and answer with their own codes.
CartQuantity = Annotated[Quantity, Field(le=STOCK_MAX)]
ItemId = Annotated[int, Field(ge=1)]
MAX_IDS_PER_REQUEST = 500


class CartAddIn(Schema):
    sku_id: int = Field(..., ge=1, description="SKU ID")
    quantity: CartQuantity = 1
    selected: bool | None = Field(None, description="是否勾选，默认勾选")


class CartItemPatch(Schema):
    quantity: CartQuantity | None = None
    selected: bool | None = None


class CartSelectIn(Schema):
    item_ids: list[ItemId] | None = Field(
        None, max_length=MAX_IDS_PER_REQUEST, description="要勾选/取消的购物车商品 ID；不传或 null 表示全部"
    )
    selected: bool


class CartDeleteIn(Schema):
    item_ids: list[ItemId] = Field(
        ..., min_length=1, max_length=MAX_IDS_PER_REQUEST, description="要删除的购物车商品 ID"
    )


class CartItemOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str = Field(description="规格文字，如“颜色:红色 容量:50ml”")
    image: str
    price_fen: int = Field(description="当前单价（分）")
    quantity: int
    selected: bool
    stock: int
    available: bool = Field(description="能否按当前数量购买")
    unavailable_reason: str = Field(description="不可购买的原因，如“已下架”“库存不足，仅剩 3 件”；可购买时为空")


class CartSummaryOut(Schema):
    item_count: int = Field(description="购物车商品种数")
    selected_count: int = Field(description="已勾选且可购买的件数")
    selected_goods_fen: int = Field(description="已勾选且可购买商品的金额（分，不含运费与优惠）")
    all_selected: bool = Field(description="可购买的商品是否已全部勾选")


class CartOut(Schema):
    items: list[CartItemOut]
    summary: CartSummaryOut


def cart_line_dict(line: CartLine, request: HttpRequest) -> dict:
    return {
        "id": line.id,
        "sku_id": line.sku_id,
        "product_id": line.product_id,
        "title": line.title,
        "spec_text": line.spec_text,
        "image": media_url(line.image, request),
        "price_fen": line.price_fen,
        "quantity": line.quantity,
        "selected": line.selected,
        "stock": line.stock,
        "available": line.available,
        "unavailable_reason": line.unavailable_reason,
    }


def cart_dict(view: CartView, request: HttpRequest) -> dict:
    summary = view.summary
    return {
        "items": [cart_line_dict(line, request) for line in view.lines],
        "summary": {
            "item_count": summary.item_count,
            "selected_count": summary.selected_count,
            "selected_goods_fen": summary.selected_goods_fen,
            "all_selected": summary.all_selected,
        },
    }
