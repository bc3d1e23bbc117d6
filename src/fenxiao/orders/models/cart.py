"""The shopper's cart: SKUs and quantities only; prices and stock are read when the cart is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CartItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_items", verbose_name="用户"
    )
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+", verbose_name="SKU")
    quantity = models.PositiveIntegerField("数量")
    selected = models.BooleanField("已勾选", default=True)
    created_at = models.DateTimeField("加入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "购物车商品"
        verbose_name_plural = "购物车商品"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sku"], name="cart_item_one_row_per_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}×{self.quantity}"
