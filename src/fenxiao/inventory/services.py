"""Operator and ERP stock changes. Every change is a conditional or locked update plus a
``StockMovement`` row in the same transaction, so stock never goes negative and every unit that
appears or disappears has an author and a reason."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import F

from fenxiao.accounts.models import User
from fenxiao.catalog.cache import catalog_changed
from fenxiao.catalog.errors import sku_not_found
from fenxiao.catalog.models import SKU_MAX_STOCK, Sku
from fenxiao.core.errors import NotFound
from fenxiao.inventory.errors import StockError
from fenxiao.inventory.models import StockMovement, StockMovementReason

MAX_STOCK = SKU_MAX_STOCK
MAX_BULK_SKUS = 5000


@transaction.atomic
def stock_adjust(
    *, sku_id: int, delta: int, reason: str = StockMovementReason.ADJUST, note: str = "", actor: User | None = None
) -> Sku:
    """Add or remove units (a stock take found 3 more, 2 were damaged). Refused if it would go
    below zero: the conditional UPDATE is the guard, so concurrent orders can never be oversold."""
    if delta == 0:
        raise StockError("STOCK_DELTA_ZERO", "调整数量不能为 0", field="delta")
    if abs(delta) > MAX_STOCK:
        raise StockError("STOCK_OUT_OF_RANGE", f"单次调整不能超过 {MAX_STOCK}", field="delta")
    changed = Sku.objects.filter(pk=sku_id, stock__gte=-delta, stock__lte=MAX_STOCK - delta).update(
        stock=F("stock") + delta
    )
    if not changed:
        if not Sku.objects.filter(pk=sku_id).exists():
            raise sku_not_found()
        raise StockError("STOCK_INSUFFICIENT", "库存不足，调整后库存不能小于 0", field="delta")
    sku = Sku.objects.get(pk=sku_id)
    catalog_changed()
    StockMovement.objects.create(sku=sku, delta=delta, stock_after=sku.stock, reason=reason, note=note, actor=actor)
    return sku


@transaction.atomic
def stock_set_many(
    *,
    quantities: Mapping[int, int],
    reason: str = StockMovementReason.SYNC,
    note: str = "",
    actor: User | None = None,
) -> list[Sku]:
    """Set absolute stock for many SKUs (an ERP/WMS sync or an import): all or nothing.

    Rows are locked in ascending id order, the project-wide lock order, so two syncs never deadlock."""
    if not quantities:
        raise StockError("STOCK_ITEMS_EMPTY", "没有需要同步的库存", field="items")
    if len(quantities) > MAX_BULK_SKUS:
        raise StockError("TOO_MANY_SKUS", f"一次最多同步 {MAX_BULK_SKUS} 个 SKU", field="items")
    bad = [sku_id for sku_id, qty in quantities.items() if not 0 <= qty <= MAX_STOCK]
    if bad:
        raise StockError("STOCK_OUT_OF_RANGE", f"库存必须在 0 到 {MAX_STOCK} 之间", field="items")
    ids = sorted(quantities)
    skus = list(Sku.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(skus) != len(ids):
        found = {s.pk for s in skus}
        missing = [i for i in ids if i not in found]
        raise NotFound("SKU_NOT_FOUND", f"SKU 不存在：{', '.join(map(str, missing[:20]))}")
    movements = []
    changed = []
    for sku in skus:
        target = quantities[sku.pk]
        if target == sku.stock:
            continue
        movements.append(
            StockMovement(sku=sku, delta=target - sku.stock, stock_after=target, reason=reason, note=note, actor=actor)
        )
        sku.stock = target
        changed.append(sku)
    Sku.objects.bulk_update(changed, ["stock"], batch_size=500)
    if changed:
        catalog_changed()
    StockMovement.objects.bulk_create(movements, batch_size=500)
    return skus
