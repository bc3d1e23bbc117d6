"""Operator API for the catalogue (``/api/v1/admin/products``): staff tokens only. ERP systems use
it to list what is on sale and to put products on or off the shelf."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from fenxiao.accounts.auth import staff_auth
from fenxiao.catalog import selectors, services
from fenxiao.catalog.api.schemas import (
    OperatorProductDetailOut,
    OperatorProductPageOut,
    OperatorProductQuery,
    ShelfIn,
    ShelfOut,
)
from fenxiao.catalog.models import Product, Sku
from fenxiao.core.openapi_errors import answers
from fenxiao.inventory.selectors import available_by_product, available_by_sku

router = Router(tags=["operator"], auth=staff_auth)


def _operator_product(product: Product, *, stock: int) -> dict:
    return {
        "id": product.id,
        "code": product.code,
        "title": product.title,
        "category_id": product.category_id,
        "category_name": str(product.category),
        "supplier_name": product.supplier.name,
        "is_on_shelf": product.is_on_shelf,
        "sales_count": product.sales_count,
        "min_price_fen": getattr(product, "min_price_fen", None) or 0,
        "total_stock": stock,
        "updated_at": product.updated_at,
    }


def _operator_sku(sku: Sku, *, stock: int) -> dict:
    return {
        "id": sku.id,
        "code": sku.code,
        "specs": {str(k): str(v) for k, v in (sku.specs or {}).items()},
        "price_fen": sku.price_fen,
        "market_price_fen": sku.market_price_fen,
        "cost_fen": sku.cost_fen,
        "weight_g": sku.weight_g,
        "barcode": sku.barcode,
        "stock": stock,
        "is_active": sku.is_active,
    }


@router.get("/products", response=OperatorProductPageOut, summary="商品列表（含下架）")
def operator_products(request: HttpRequest, filters: Query[OperatorProductQuery]):
    page = selectors.product_list_for_operator(
        category_id=filters.category,
        q=filters.q,
        on_shelf=filters.on_shelf,
        page=filters.page,
        page_size=filters.page_size,
    )
    stock = available_by_product([p.id for p in page.items])
    return page.shaped(lambda product: _operator_product(product, stock=stock[product.id]))


@router.get("/products/{int:product_id}", response=OperatorProductDetailOut, summary="商品详情（含成本与全部 SKU）")
def operator_product(request: HttpRequest, product_id: int):
    product = selectors.product_get_for_operator(product_id=product_id)
    skus = product.all_skus
    active = [s for s in skus if s.is_active]
    stock = available_by_sku([s.id for s in skus])
    return {
        **_operator_product(product, stock=sum(stock[s.id] for s in active)),
        "min_price_fen": min((s.price_fen for s in active), default=0),
        "skus": [_operator_sku(s, stock=stock[s.id]) for s in skus],
    }


@router.post("/products/{int:product_id}/on-shelf", response=ShelfOut, summary="上架")
@answers(400)
def operator_on_shelf(request: HttpRequest, product_id: int):
    return {"changed": services.product_set_shelf(product_ids=[product_id], on_shelf=True)}


@router.post("/products/{int:product_id}/off-shelf", response=ShelfOut, summary="下架")
@answers(400)
def operator_off_shelf(request: HttpRequest, product_id: int):
    return {"changed": services.product_set_shelf(product_ids=[product_id], on_shelf=False)}


@router.post("/products/shelf", response=ShelfOut, summary="批量上下架")
@answers(404)
def operator_bulk_shelf(request: HttpRequest, body: ShelfIn):
    return {"changed": services.product_set_shelf(product_ids=body.product_ids, on_shelf=body.on_shelf)}
