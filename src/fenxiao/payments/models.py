"""Payments and refunds through WeChat Pay, and every notification WeChat sent us.

Payments knows an order only as the thing being paid for (a foreign key, an ``out_trade_no`` and an
amount); what paying means for an order is decided by orders, through the handlers it registers in
``payments.hooks``. The unique ``transaction_id`` is the claim that makes a notification delivered
twice, or twenty times at once, pay once.

Money WeChat took for an order that no longer wants it (cancelled, or paid by another transaction)
is ``refused``: it never touches the order, and payments gives it back in full, once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class PaymentStatus(models.TextChoices):
    CREATED = "created", "待支付"
    SUCCEEDED = "succeeded", "支付成功"
    CLOSED = "closed", "已关闭"
    # Paid at WeChat, but the order did not take it: refunded in full (``refused_payment:<id>``).
    REFUSED = "refused", "未入账，全额退款"


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments", verbose_name="订单")
    out_trade_no = models.CharField("商户订单号", max_length=32, unique=True)
    amount_fen = models.BigIntegerField("金额(分)")
    description = models.CharField("商品描述", max_length=127)
    payer_openid = models.CharField("付款人 openid", max_length=64)
    mode = models.CharField("模式", max_length=8, default="sandbox")
    status = models.CharField(
        "状态", max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.CREATED, db_index=True
    )
    prepay_id = models.CharField("预支付会话", max_length=64, blank=True, default="")
    prepay_expires_at = models.DateTimeField("预支付过期", null=True, blank=True)
    expires_at = models.DateTimeField("支付截止", null=True, blank=True)
    transaction_id = models.CharField("微信支付单号", max_length=32, null=True, blank=True, unique=True)
    trade_state = models.CharField("交易状态", max_length=16, blank=True, default="")
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    last_queried_at = models.DateTimeField("最后查询", null=True, blank=True)
    # Why the order refused money that arrived (cancelled, paid twice, amount changed): shown to
    # operators beside the automatic refund.
    anomaly = models.CharField("异常说明", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "支付单"
        verbose_name_plural = "支付单"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=1), name="payment_amount_positive"),
            # One successful payment per order: a second successful transaction must be refunded.
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="succeeded"), name="payment_one_success_per_order"
            ),
            # One open payment per order, so two taps on "pay" share one out_trade_no.
            models.UniqueConstraint(fields=["order"], condition=Q(status="created"), name="payment_one_open_per_order"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="payment_status_expires")]

    def __str__(self) -> str:
        return self.out_trade_no


class RefundStatus(models.TextChoices):
    CREATED = "created", "待提交"
    PROCESSING = "processing", "退款中"
    SUCCEEDED = "succeeded", "退款成功"
    ABNORMAL = "abnormal", "退款异常"
    CLOSED = "closed", "退款关闭"


class Refund(models.Model):
    """A refund against one successful payment. ``out_refund_no`` is fixed when the row is made, so
    resubmitting after a timeout can never refund twice (WeChat deduplicates by it)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name="支付单")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds", verbose_name="订单")
    out_refund_no = models.CharField("商户退款单号", max_length=64, unique=True)
    amount_fen = models.BigIntegerField("退款金额(分)")
    reason = models.CharField("退款原因", max_length=80, blank=True, default="")
    # What the refund is for, as the caller names it ("after_sale:12"), handed back to its handler.
    purpose = models.CharField("用途", max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=16, choices=RefundStatus.choices, default=RefundStatus.CREATED, db_index=True
    )
    refund_id = models.CharField("微信退款单号", max_length=32, null=True, blank=True, unique=True)
    channel_status = models.CharField("渠道状态", max_length=16, blank=True, default="")
    user_received_account = models.CharField("退款入账账户", max_length=64, blank=True, default="")
    error = models.CharField("错误", max_length=200, blank=True, default="")
    succeeded_at = models.DateTimeField("退款成功时间", null=True, blank=True)
    # When we last sent it to WeChat and last asked WeChat about it: the sweeps use these to retry
    # without two workers doing the same call at once.
    submitted_at = models.DateTimeField("最后提交", null=True, blank=True)
    last_queried_at = models.DateTimeField("最后查询", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "退款单"
        verbose_name_plural = "退款单"
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gte=1), name="refund_amount_positive")]

    def __str__(self) -> str:
        return self.out_refund_no


class Notification(models.Model):
    """Every notification that passed signature verification, by WeChat's notification id: the
    audit trail of what WeChat told us and what we did with it."""

    notification_id = models.CharField("通知 ID", max_length=64, db_index=True)
    event_type = models.CharField("事件类型", max_length=32)
    resource = models.JSONField("解密内容", default=dict)
    outcome = models.CharField("处理结果", max_length=32)
    received_at = models.DateTimeField("接收时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "支付通知"
        verbose_name_plural = "支付通知"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.notification_id}"
