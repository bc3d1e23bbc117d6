"""After-sales: a buyer's request for money (and maybe goods) back, per line and quantity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fenxiao.orders.models.order import Order, OrderLine


class AfterSaleKind(models.TextChoices):
    REFUND_ONLY = "refund_only", "仅退款"
    RETURN_REFUND = "return_refund", "退货退款"
    # Money an operator gives back on a completed order (a complaint or a dispute), after the
    # buyer's after-sales window closed: no goods come back, no buyer step (``operator_refunds``).
    OPERATOR = "operator", "运营退款"


# What a buyer may ask for; ``operator`` is only ever written by an operator.
BUYER_KINDS = (AfterSaleKind.REFUND_ONLY, AfterSaleKind.RETURN_REFUND)


class AfterSaleStatus(models.TextChoices):
    REQUESTED = "requested", "待审核"
    AWAITING_RETURN = "awaiting_return", "待买家退货"
    RETURN_SHIPPED = "return_shipped", "待商家收货"
    REFUNDING = "refunding", "退款中"
    REFUNDED = "refunded", "已退款"
    REJECTED = "rejected", "已驳回"
    CANCELLED = "cancelled", "已撤销"
    REFUND_FAILED = "refund_failed", "退款异常"


# After-sales still in progress. While one is open its order must not complete, nor its units ship.
OPEN_AFTER_SALE = (
    AfterSaleStatus.REQUESTED,
    AfterSaleStatus.AWAITING_RETURN,
    AfterSaleStatus.RETURN_SHIPPED,
    AfterSaleStatus.REFUNDING,
    # Money is still owed: the order must not complete, nor the units ship, until it is settled.
    AfterSaleStatus.REFUND_FAILED,
)


class AfterSale(models.Model):
    """A buyer's request to get money (and maybe goods) back for some units of some lines."""

    after_sale_no = models.CharField("售后单号", max_length=32, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="after_sales", verbose_name="订单")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="after_sales", verbose_name="买家"
    )
    kind = models.CharField("类型", max_length=16, choices=AfterSaleKind.choices)
    status = models.CharField(
        "状态", max_length=16, choices=AfterSaleStatus.choices, default=AfterSaleStatus.REQUESTED, db_index=True
    )
    reason = models.CharField("原因", max_length=64)
    description = models.CharField("说明", max_length=500, blank=True, default="")
    photos = models.JSONField("凭证图片", default=list, blank=True)
    refund_fen = models.BigIntegerField("退款金额(分)")
    reject_reason = models.CharField("驳回原因", max_length=200, blank=True, default="")
    return_carrier_code = models.CharField("退货快递编码", max_length=32, blank=True, default="")
    return_carrier_name = models.CharField("退货快递", max_length=32, blank=True, default="")
    return_tracking_no = models.CharField("退货运单号", max_length=64, blank=True, default="")
    restocked = models.BooleanField("已退回库存", default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="处理人",
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    refunded_at = models.DateTimeField("退款时间", null=True, blank=True)

    class Meta:
        verbose_name = "售后单"
        verbose_name_plural = "售后单"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(refund_fen__gte=0), name="after_sale_refund_non_negative")]
        permissions = [("refund_completed_order", "可对已完成订单发起运营退款")]

    def __str__(self) -> str:
        return self.after_sale_no


class AfterSaleLine(models.Model):
    after_sale = models.ForeignKey(AfterSale, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="after_sale_lines")
    quantity = models.PositiveIntegerField()
    refund_fen = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1) & Q(refund_fen__gte=0), name="after_sale_line_in_range")
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id}×{self.quantity}"
