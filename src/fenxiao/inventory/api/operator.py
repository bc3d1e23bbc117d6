"""Operator API for stock (``/api/v1/admin/skus/{id}/stock`` and ``/api/v1/admin/stock/sync``):
how a WMS or ERP keeps the mall's sellable stock true."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from fenxiao.accounts.auth import staff_auth
from fenxiao.catalog.errors import sku_not_found
from fenxiao.catalog.models import Sku
from fenxiao.core.errors import NotFound
from fenxiao.core.openapi_errors import answers
from fenxiao.inventory import services
from fenxiao.inventory.api.schemas import SkuStockOut, StockChangeIn, StockSyncIn, StockSyncOut
from fenxiao.inventory.errors import StockError
from fenxiao.inventory.models import Stock, StockMovementReason
from fenxiao.inventory.selectors import available

router = Router(tags=["operator"], auth=staff_auth)


def _stock_out(stock: Stock) -> dict:
    return {"id": stock.sku_id, "code": stock.sku.code, "stock": stock.quantity}


@router.get("/skus/{int:sku_id}/stock", response=SkuStockOut, summary="查询 SKU 库存")
def sku_stock(request: HttpRequest, sku_id: int):
    code = Sku.objects.filter(pk=sku_id).values_list("code", flat=True).first()
    if code is None:
        raise sku_not_found()
    return {"id": sku_id, "code": code, "stock": available(sku_id)}


@router.post("/skus/{int:sku_id}/stock", response=SkuStockOut, summary="调整 SKU 库存")
def sku_stock_change(request: HttpRequest, sku_id: int, body: StockChangeIn):
    if body.delta is not None:
        stock = services.stock_adjust(
            sku_id=sku_id, delta=body.delta, reason=StockMovementReason.ADJUST, note=body.note, actor=request.auth
        )
        return _stock_out(stock)
    rows = services.stock_set_many(
        quantities={sku_id: body.stock}, reason=StockMovementReason.ADJUST, note=body.note, actor=request.auth
    )
    return _stock_out(rows[0])


@router.post("/stock/sync", response=StockSyncOut, summary="按 SKU 编码批量同步库存（全部成功或全部不变）")
@answers(404)
def stock_sync(request: HttpRequest, body: StockSyncIn):
    codes = [item.sku_code for item in body.items]
    duplicates = sorted({c for c in codes if codes.count(c) > 1}) if len(set(codes)) != len(codes) else []
    if duplicates:
        raise StockError("SKU_CODE_DUPLICATED", f"SKU 编码重复：{', '.join(duplicates[:20])}", field="items")
    ids = dict(Sku.objects.filter(code__in=codes).values_list("code", "id"))
    missing = [c for c in codes if c not in ids]
    if missing:
        raise NotFound("SKU_NOT_FOUND", f"SKU 不存在：{', '.join(missing[:20])}")
    with transaction.atomic():
        rows = services.stock_set_many(
            quantities={ids[item.sku_code]: item.stock for item in body.items},
            reason=StockMovementReason.SYNC,
            note=body.note,
            actor=request.auth,
        )
    return {"updated": len(rows), "items": [_stock_out(row) for row in rows]}
