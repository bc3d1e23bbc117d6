from __future__ import annotations

from django.conf import settings
from django.db import models


class Stock(models.Model):
    """What can still be sold of one SKU (Saleor's ``warehouse.Stock``, one warehouse). The row is
    the no-oversell guard: ``quantity`` moves only by conditional ``UPDATE``s (``reservations``,
    ``services``), never read-modify-write, and the database refuses a negative count. A SKU
    without a row has nothing to sell; the first stock change creates it."""

    sku = models.OneToOneField(
        "catalog.Sku", primary_key=True, on_delete=models.CASCADE, related_name="stock_level", verbose_name="SKU"
    )
    quantity = models.IntegerField("可售库存", default=0)

    class Meta:
        verbose_name = "库存"
        verbose_name_plural = "库存"
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_quantity_not_negative")]

    def __str__(self) -> str:
        return f"{self.sku_id}: {self.quantity}"


class StockMovementReason(models.TextChoices):
    ADJUST = "adjust", "人工调整"
    SYNC = "sync", "ERP/WMS 同步"
    IMPORT = "import", "批量导入"
    RETURN = "return", "售后退货入库"


class StockMovement(models.Model):
    """Append-only record of every manual or synced stock change: who, why, before and after.
    Orders move stock through reservations (commerce issue); this is the operator's audit trail."""

    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="movements", verbose_name="SKU")
    delta = models.IntegerField("变动")
    stock_after = models.IntegerField("变动后库存")
    reason = models.CharField("原因", max_length=16, choices=StockMovementReason.choices)
    note = models.CharField("备注", max_length=200, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="操作人"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "库存流水"
        verbose_name_plural = "库存流水"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.sku_id} {self.delta:+d} → {self.stock_after}"


class StockReservation(models.Model):
    """Units taken from a SKU's stock row for someone (an order line, keyed ``order_line:<id>``) until
    the sale is final (consumed) or undone (released). The row makes release idempotent: a unit goes
    back exactly once, however many sweeps or cancels race for it."""

    class State(models.TextChoices):
        HELD = "held", "占用中"
        CONSUMED = "consumed", "已售出"
        RELEASED = "released", "已释放"

    reference = models.CharField("来源", max_length=64, unique=True)
    # The column keeps its name: the stock row's key is the SKU's id.
    stock = models.ForeignKey(
        Stock, on_delete=models.PROTECT, related_name="reservations", db_column="sku_id", verbose_name="库存"
    )
    quantity = models.PositiveIntegerField("数量")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.HELD)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "库存占用"
        verbose_name_plural = "库存占用"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="reservation_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.stock_id}×{self.quantity} {self.state}"
