"""Every row lock inventory takes. Stock rows are locked (or conditionally updated) in ascending
SKU id order, whoever asks: an order's reservation, a release, a sync. That is the stock step of
the global lock order (order → after-sale → payment → stock by SKU id → ledger accounts by id)."""

from __future__ import annotations

from collections.abc import Sequence

from fenxiao.core.limits import chunks
from fenxiao.inventory.models import Stock


def lock_stock_rows(sku_ids: Sequence[int]) -> list[Stock]:
    """The stock rows of ``sku_ids`` (with their SKU), locked in ascending SKU id order."""
    rows: list[Stock] = []
    for chunk in chunks(sorted(set(sku_ids))):
        rows.extend(
            Stock.objects.select_for_update(of=("self",)).select_related("sku").filter(pk__in=chunk).order_by("pk")
        )
    return rows
