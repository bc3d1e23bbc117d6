"""Seckill (秒杀) activities and the units shoppers bought from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class SeckillStatus(models.TextChoices):
    ACTIVE = "active", "已启用"
    PAUSED = "paused", "已暂停"


class SeckillActivity(models.Model):
    """One SKU sold at a seckill price in a time slot, from its own quota (``stock``) on top of
    the SKU's regular stock. ``sold`` moves only with conditional ``UPDATE``s; the database
    refuses selling more than the quota."""

    name = models.CharField("名称", max_length=64)
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name="SKU")
    seckill_price_fen = models.BigIntegerField("秒杀价(分)")
    stock = models.PositiveIntegerField("秒杀库存")
    sold = models.PositiveIntegerField("已售", default=0)
    per_user_limit = models.PositiveIntegerField("每人限购", default=1)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    payment_minutes = models.PositiveIntegerField("支付时限(分钟)", default=15)
    # Read by distribution through the order's "seckill" adjustment (data.commission_allowed).
    commission_allowed = models.BooleanField("参与分销佣金", default=False)
    status = models.CharField("状态", max_length=16, choices=SeckillStatus.choices, default=SeckillStatus.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "秒杀活动"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(sold__lte=F("stock")), name="seckill_no_oversell"),
            models.CheckConstraint(condition=Q(seckill_price_fen__gte=0), name="seckill_price_sane"),
            models.CheckConstraint(condition=Q(per_user_limit__gte=1), name="seckill_per_user_limit_positive"),
            models.CheckConstraint(condition=Q(payment_minutes__gte=1), name="seckill_payment_minutes_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="seckill_window_sane"),
        ]

    def __str__(self) -> str:
        return self.name


class SeckillPurchaseStatus(models.TextChoices):
    RESERVED = "reserved", "已占位"
    PLACED = "placed", "已下单"
    RETURNED = "returned", "已退回"


class SeckillPurchase(models.Model):
    """One unit a shopper won, written already placed with its order by the seckill pricing
    provider (the endpoint's grant, ``seckill.pricing.seckill_grant``, carries the token), and
    returned once when the unpaid order is cancelled. ``reserved`` is what rows written before the
    grant existed passed through inside their transaction; no row stays in it."""

    activity = models.ForeignKey(
        SeckillActivity, on_delete=models.PROTECT, related_name="purchases", verbose_name="秒杀活动"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户")
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seckill_purchase",
        verbose_name="订单",
    )
    token = models.CharField("凭证", max_length=64, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=SeckillPurchaseStatus.choices, default=SeckillPurchaseStatus.RESERVED
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)

    class Meta:
        verbose_name = "秒杀购买"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        indexes = [models.Index(fields=["activity", "user", "status"], name="seckill_purchase_user_idx")]

    def __str__(self) -> str:
        return f"{self.activity.name} #{self.pk}"
