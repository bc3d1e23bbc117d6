from __future__ import annotations

from fenxiao.core.errors import DomainError, NotFound


def product_not_found() -> NotFound:
    return NotFound("PRODUCT_NOT_FOUND", "商品不存在或已下架")


def sku_not_found() -> NotFound:
    return NotFound("SKU_NOT_FOUND", "SKU 不存在")


class CatalogError(DomainError):
    pass
