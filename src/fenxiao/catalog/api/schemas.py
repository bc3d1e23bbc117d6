from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from fenxiao.catalog.listing import ProductCard
from fenxiao.catalog.models import Sku
from fenxiao.core.media import media_url


class CategoryChildOut(Schema):
    id: int
    name: str
    icon: str


class CategoryOut(Schema):
    id: int
    name: str
    icon: str
    children: list[CategoryChildOut]

    @staticmethod
    def resolve_children(obj) -> list:
        return getattr(obj, "active_children", [])


class ProductListQuery(Schema):
    category: int | None = Field(None, ge=1, description="分类 ID（一级分类包含其下所有二级分类）")
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = Field("", description="搜索关键词")
    sort: Literal["default", "sales", "price", "price_desc", "new"] = Field("default", description="排序")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(0, ge=0, le=100, description="每页条数，默认 20，最大 100")
    # No ge/le here: a negative or reversed range is answered with PRICE_RANGE_INVALID, the same
    # code and message the selector gives every caller.
    min_price_fen: int | None = Field(None, description="最低价（分）：有一个在售 SKU 的价格不低于它")
    max_price_fen: int | None = Field(None, description="最高价（分）：有一个在售 SKU 的价格不高于它")


class ProductCardOut(Schema):
    id: int
    title: str
    subtitle: str
    image: str
    price_fen: int
    market_price_fen: int
    sales_count: int
    category_id: int
    in_stock: bool


class ProductPageOut(Schema):
    items: list[ProductCardOut]
    count: int
    page: int
    page_size: int


class SkuOut(Schema):
    id: int
    code: str
    specs: dict[str, str]
    price_fen: int
    market_price_fen: int
    stock: int
    image: str
    weight_g: int


class SpecOptionOut(Schema):
    name: str
    values: list[str]


class CategoryRefOut(Schema):
    id: int
    name: str


class ProductDetailOut(Schema):
    id: int
    title: str
    subtitle: str
    images: list[str]
    detail_html: str = Field(
        description="商品详情 HTML，已按白名单清洗（段落、标题、列表、表格、图片、链接和常用格式），"
        "站内地址已转为绝对地址，可直接交给小程序 rich-text 组件"
    )
    category: CategoryRefOut
    sales_count: int
    price_fen: int
    max_price_fen: int
    market_price_fen: int
    stock: int
    specs: list[SpecOptionOut]
    skus: list[SkuOut]


def product_card(product: ProductCard, request, *, stock: int) -> dict:
    """A list card; ``stock`` is the product's units left (inventory's, passed in by the face)."""
    price = product.min_price_fen or 0
    market = product.min_market_price_fen or 0
    return {
        "id": product.id,
        "title": product.title,
        "subtitle": product.subtitle,
        "image": media_url(product.main_image, request),
        "price_fen": price,
        "market_price_fen": market if market > price else 0,
        "sales_count": product.sales_count,
        "category_id": product.category_id,
        "in_stock": stock > 0,
    }


def page_json(shaped: dict) -> bytes:
    """A ``ProductPageOut`` answer already shaped by ``product_card``, as the JSON pydantic would
    write for it (compact, UTF-8 unescaped)."""
    return json.dumps(shaped, ensure_ascii=False, separators=(",", ":")).encode()


def sku_dict(sku: Sku, request, *, stock: int) -> dict:
    return {
        "id": sku.id,
        "code": sku.code,
        "specs": {str(k): str(v) for k, v in (sku.specs or {}).items()},
        "price_fen": sku.price_fen,
        "market_price_fen": sku.market_price_fen,
        "stock": stock,
        "image": media_url(sku.image, request),
        "weight_g": sku.weight_g,
    }


class OperatorProductQuery(Schema):
    category: int | None = Field(None, ge=1)
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    on_shelf: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(0, ge=0, le=100)


class OperatorSkuOut(Schema):
    id: int
    code: str
    specs: dict[str, str]
    price_fen: int
    market_price_fen: int
    cost_fen: int
    weight_g: int
    barcode: str
    stock: int
    is_active: bool


class OperatorProductOut(Schema):
    id: int
    code: str
    title: str
    category_id: int
    category_name: str
    supplier_name: str
    is_on_shelf: bool
    sales_count: int
    min_price_fen: int
    total_stock: int
    updated_at: datetime


class OperatorProductDetailOut(OperatorProductOut):
    skus: list[OperatorSkuOut]


class OperatorProductPageOut(Schema):
    items: list[OperatorProductOut]
    count: int
    page: int
    page_size: int


class ShelfIn(Schema):
    product_ids: list[Annotated[int, Field(ge=1)]] = Field(..., min_length=1, max_length=1000)
    on_shelf: bool


class ShelfOut(Schema):
    changed: int
