"""Operator and ERP stock changes. Every change is a conditional or locked update of the SKU's
``Stock`` row plus a ``StockMovement`` in the same transaction, so stock never goes negative and
every unit that appears or disappears has an author and a reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import F

from fenxiao.accounts.models import User
from fenxiao.catalog.cache import catalog_changed
from fenxiao.catalog.errors import sku_not_found
from fenxiao.catalog.models import Sku
from fenxiao.core.errors import NotFound
from fenxiao.core.limits import STOCK_MAX, chunks
from fenxiao.inventory.errors import StockError
from fenxiao.inventory.locks import lock_stock_rows
from fenxiao.inventory.models import Stock, StockMovement, StockMovementReason

MAX_BULK_SKUS = 5000


def stock_rows_ensure(sku_ids: Iterable[int]) -> None:
    """Give every SKU among ``sku_ids`` its stock row (0 units) if it has none yet: a SKU is born in
    the catalogue without one. Concurrent callers are fine (the insert ignores a row that appeared
    meanwhile). Unknown SKUs are ``SKU_NOT_FOUND``."""
    wanted = sorted(set(sku_ids))
    have: set[int] = set()
    for chunk in chunks(wanted):
        have.update(Stock.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    missing = [i for i in wanted if i not in have]
    if not missing:
        return
    known: set[int] = set()
    for chunk in chunks(missing):
        known.update(Sku.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    unknown = [i for i in missing if i not in known]
    if unknown:
        if len(wanted) == 1:
            raise sku_not_found()
        raise NotFound("SKU_NOT_FOUND", f"SKU 不存在：{', '.join(map(str, unknown[:20]))}")
    Stock.objects.bulk_create([Stock(sku_id=i) for i in sorted(known)], ignore_conflicts=True, batch_size=500)


@transaction.atomic
def stock_adjust(
    *, sku_id: int, delta: int, reason: str = StockMovementReason.ADJUST, note: str = "", actor: User | None = None
) -> Stock:
    """Add or remove units (a stock take found 3 more, 2 were damaged). Refused if it would go
    below zero: the conditional UPDATE is the guard, so concurrent orders can never be oversold."""
    if delta == 0:
        raise StockError("STOCK_DELTA_ZERO", "调整数量不能为 0", field="delta")
    if abs(delta) > STOCK_MAX:
        raise StockError("STOCK_OUT_OF_RANGE", f"单次调整不能超过 {STOCK_MAX}", field="delta")
    stock_rows_ensure([sku_id])
    changed = Stock.objects.filter(pk=sku_id, quantity__gte=-delta, quantity__lte=STOCK_MAX - delta).update(
        quantity=F("quantity") + delta
    )
    if not changed:
        raise StockError("STOCK_INSUFFICIENT", "库存不足，调整后库存不能小于 0", field="delta")
    stock = Stock.objects.select_related("sku").get(pk=sku_id)
    catalog_changed()
    StockMovement.objects.create(
        sku_id=sku_id, delta=delta, stock_after=stock.quantity, reason=reason, note=note, actor=actor
    )
    return stock


@transaction.atomic
def stock_set_many(
    *,
    quantities: Mapping[int, int],
    reason: str = StockMovementReason.SYNC,
    note: str = "",
    actor: User | None = None,
) -> list[Stock]:
    """Set absolute stock for many SKUs (an ERP/WMS sync or an import): all or nothing.

    Rows are locked in ascending SKU id order, the project-wide lock order, so two syncs never
    deadlock. Returns the rows (with their SKU) in that order."""
    if not quantities:
        raise StockError("STOCK_ITEMS_EMPTY", "没有需要同步的库存", field="items")
    if len(quantities) > MAX_BULK_SKUS:
        raise StockError("TOO_MANY_SKUS", f"一次最多同步 {MAX_BULK_SKUS} 个 SKU", field="items")
    bad = [sku_id for sku_id, qty in quantities.items() if not 0 <= qty <= STOCK_MAX]
    if bad:
        raise StockError("STOCK_OUT_OF_RANGE", f"库存必须在 0 到 {STOCK_MAX} 之间", field="items")
    ids = sorted(quantities)
    stock_rows_ensure(ids)
    rows = lock_stock_rows(ids)
    movements = []
    changed = []
    for row in rows:
        target = quantities[row.sku_id]
        if target == row.quantity:
            continue
        movements.append(
            StockMovement(
                sku_id=row.sku_id,
                delta=target - row.quantity,
                stock_after=target,
                reason=reason,
                note=note,
                actor=actor,
            )
        )
        row.quantity = target
        changed.append(row)
    Stock.objects.bulk_update(changed, ["quantity"], batch_size=500)
    if changed:
        catalog_changed()
    StockMovement.objects.bulk_create(movements, batch_size=500)
    return rows
