from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints, model_validator

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
SkuCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class StockChangeIn(Schema):
    """Exactly one of ``delta`` (add/remove units) or ``stock`` (set the absolute count)."""

    delta: int | None = Field(None, description="增减数量，负数为减少")
    stock: int | None = Field(None, ge=0, le=10_000_000, description="直接设置为该库存")
    note: Note = ""

    @model_validator(mode="after")
    def _one_of(self):
        if (self.delta is None) == (self.stock is None):
            raise ValueError("delta 与 stock 必须且只能填写一个")
        return self


class StockSyncItem(Schema):
    sku_code: SkuCode
    stock: int = Field(..., ge=0, le=10_000_000)


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
