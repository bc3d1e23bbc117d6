"""Stock movements are the audit trail of stock: the console shows them and nothing else."""

from __future__ import annotations

from django.contrib import admin

from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.inventory.models import StockMovement


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "sku", "product_title", "delta", "stock_after", "reason", "actor", "note")
    list_filter = ("reason", "created_at")
    list_select_related = ("sku__product", "actor")
    search_fields = ("sku__code", "sku__product__title", "sku__product__code", "note")
    date_hierarchy = "created_at"
    fields = ("sku", "delta", "stock_after", "reason", "note", "actor", "created_at")
    readonly_fields = fields

    @admin.display(description="商品", ordering="sku__product__title")
    def product_title(self, obj: StockMovement) -> str:
        return obj.sku.product.title
