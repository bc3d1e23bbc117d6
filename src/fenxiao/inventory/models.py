from __future__ import annotations

from django.conf import settings
from django.db import models


class StockMovementReason(models.TextChoices):
    ADJUST = "adjust", "人工调整"
    SYNC = "sync", "ERP/WMS 同步"
    IMPORT = "import", "批量导入"


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
