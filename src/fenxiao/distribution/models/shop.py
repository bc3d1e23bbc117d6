"""A distributor's own shop page: the products they chose to show (DESIGN §5 "my shop")."""

from __future__ import annotations

from django.db import models

from fenxiao.distribution.models.distributors import Distributor


class ShopItem(models.Model):
    """A product a distributor chose to show on their own shop page (DESIGN §5 "my shop"). The
    shop only arranges the platform's catalogue: price, stock and commission stay the platform's."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="shop_items", verbose_name="分销商"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name="商品")
    position = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "小店商品"
        verbose_name_plural = "小店商品"
        ordering = ["distributor", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "product"], name="shop_item_once_per_product"),
        ]
        indexes = [models.Index(fields=["distributor", "position"], name="shop_item_by_position")]

    def __str__(self) -> str:
        return f"小店商品 #{self.pk}"
