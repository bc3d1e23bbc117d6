from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt, StringConstraints, model_validator

from fenxiao.core.limits import INT_MAX, STOCK_MAX, Count

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
SkuCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class StockChangeIn(Schema):
    """Exactly one of ``delta`` (add/remove units) or ``stock`` (set the absolute count)."""

    # Bounded by what the stock column can hold either way; the service refuses going below zero.
    delta: Annotated[StrictInt, Field(ge=-INT_MAX, le=INT_MAX)] | None = Field(None, description="增减数量，负数为减少")
    stock: Annotated[Count, Field(le=STOCK_MAX)] | None = Field(None, description="直接设置为该库存")
    note: Note = ""

    @model_validator(mode="after")
    def _one_of(self):
        if (self.delta is None) == (self.stock is None):
            raise ValueError("delta 与 stock 必须且只能填写一个")
        return self


class StockSyncItem(Schema):
    sku_code: SkuCode
    stock: Annotated[Count, Field(le=STOCK_MAX)]


class StockSyncIn(Schema):
    items: list[StockSyncItem] = Field(..., min_length=1, max_length=5000)
    note: Note = ""


class SkuStockOut(Schema):
    id: int
    code: str
    stock: int


class StockSyncOut(Schema):
    updated: int
    items: list[SkuStockOut]
