"""Stock held for orders: taken at order creation, released on cancel or payment timeout,
consumed on payment, put back on a return.

Orders do not bump the catalogue cache version: a list card's "in stock" flag may lag by the
list cache's TTL (see ``catalog/cache.py``), while product pages and checkout read live stock.

Oversell is impossible because every take is a conditional ``UPDATE inventory_stock SET quantity =
quantity - n WHERE quantity >= n``; deadlock is avoided because every multi-SKU change touches SKU rows in
ascending id order (the project's lock order: order → payment → stock by SKU id)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from fenxiao.accounts.models import User
from fenxiao.catalog.cache import catalog_changed
from fenxiao.core.limits import STOCK_MAX
from fenxiao.core.statements import rows_insert
from fenxiao.inventory.errors import StockError
from fenxiao.inventory.models import Stock, StockMovement, StockMovementReason, StockReservation
from fenxiao.inventory.services import stock_rows_ensure


@dataclass(frozen=True)
class Hold:
    reference: str
    sku_id: int
    quantity: int


@dataclass(frozen=True)
class Shortage:
    sku_id: int
    wanted: int
    available: int


class StockShortage(StockError):
    def __init__(self, shortages: Sequence[Shortage], message: str):
        super().__init__("STOCK_INSUFFICIENT", message, status=409)
        self.shortages = list(shortages)


@transaction.atomic(savepoint=False)
def stock_reserve(*, holds: Sequence[Hold], describe=None) -> list[StockReservation]:
    """Take stock for every hold or for none. All shortages are collected before refusing, so the
    shopper learns every line that cannot be bought at once. ``describe(sku_id)`` names a SKU in
    the message."""
    wanted: dict[int, int] = {}
    for hold in holds:
        wanted[hold.sku_id] = wanted.get(hold.sku_id, 0) + hold.quantity
    shortages = []
    for sku_id in sorted(wanted):
        if not stock_take(sku_id=sku_id, quantity=wanted[sku_id]):
            available = Stock.objects.filter(pk=sku_id).values_list("quantity", flat=True).first() or 0
            shortages.append(Shortage(sku_id, wanted[sku_id], available))
    if shortages:
        names = "、".join(
            f"{describe(s.sku_id) if describe else s.sku_id}（剩余 {s.available} 件）" for s in shortages[:5]
        )
        raise StockShortage(shortages, f"库存不足：{names}")
    return rows_insert([StockReservation(reference=h.reference, stock_id=h.sku_id, quantity=h.quantity) for h in holds])


def stock_take(*, sku_id: int, quantity: int) -> bool:
    """The conditional take itself, as a prebuilt statement (``core.statements``: every order
    runs it once per SKU). False when fewer than ``quantity`` units are left (or the SKU has no
    stock row)."""
    table = Stock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET quantity = quantity - %s WHERE sku_id = %s AND quantity >= %s",
            [quantity, sku_id, quantity],
        )
        return cursor.rowcount == 1


def _finish(references: Iterable[str], *, to: str) -> list[StockReservation]:
    """Move held reservations to ``to``. The conditional update on ``state`` is the claim: a
    reservation leaves ``held`` once, whoever asks first."""
    rows = list(
        StockReservation.objects.filter(reference__in=list(references), state=StockReservation.State.HELD).order_by(
            "stock_id", "id"
        )
    )
    claimed = []
    for row in rows:
        if StockReservation.objects.filter(pk=row.pk, state=StockReservation.State.HELD).update(state=to):
            claimed.append(row)
    return claimed


@transaction.atomic(savepoint=False)
def stock_release(*, references: Iterable[str]) -> int:
    """Give held units back (cancel, payment timeout). Returns how many units came back."""
    claimed = _finish(references, to=StockReservation.State.RELEASED)
    per_sku: dict[int, int] = {}
    for row in claimed:
        per_sku[row.stock_id] = per_sku.get(row.stock_id, 0) + row.quantity
    for sku_id in sorted(per_sku):
        Stock.objects.filter(pk=sku_id).update(quantity=F("quantity") + per_sku[sku_id])
    return sum(per_sku.values())


@transaction.atomic(savepoint=False)
def stock_consume(*, references: Iterable[str]) -> int:
    """The sale is final (paid): held units are sold and will not come back on a timeout."""
    return sum(row.quantity for row in _finish(references, to=StockReservation.State.CONSUMED))


@transaction.atomic
def stock_restock(*, sku_id: int, quantity: int, note: str, actor: User | None = None) -> Stock:
    """Returned goods go back on sale, with a ``StockMovement`` saying which after-sale brought them."""
    if quantity <= 0:
        raise StockError("STOCK_DELTA_ZERO", "入库数量必须大于 0")
    stock_rows_ensure([sku_id])
    Stock.objects.filter(pk=sku_id, quantity__lte=STOCK_MAX - quantity).update(quantity=F("quantity") + quantity)
    stock = Stock.objects.get(pk=sku_id)
    StockMovement.objects.create(
        sku_id=sku_id,
        delta=quantity,
        stock_after=stock.quantity,
        reason=StockMovementReason.RETURN,
        note=note[:200],
        actor=actor,
    )
    catalog_changed()
    return stock
