"""An order and its lines.

Money is integer fen (DESIGN §3). An order line keeps a snapshot of what was bought (title, specs,
unit price) so later catalogue edits never rewrite history, and ``paid_fen`` — what the customer
actually paid for the line after discounts, without shipping — is the base of commission and of
refund limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "待付款"
    PAID = "paid", "待发货"
    SHIPPED = "shipped", "待收货"
    RECEIVED = "received", "已收货"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"
    CLOSED = "closed", "已关闭"


class OrderHold(models.TextChoices):
    """Why a paid order may not ship yet. Promotions set and release it through
    ``orders.services.order_hold_set``/``order_hold_release``; orders only names the reasons."""

    NONE = "", "无"
    GROUP_BUY = "group_buy", "拼团中，成团后发货"


class Order(models.Model):
    order_no = models.CharField("订单号", max_length=32, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name="买家"
    )
    status = models.CharField(
        "状态", max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT, db_index=True
    )
    goods_fen = models.BigIntegerField("商品金额(分)")
    shipping_fen = models.BigIntegerField("运费(分)", default=0)
    discount_fen = models.BigIntegerField("优惠(分)", default=0)
    payable_fen = models.BigIntegerField("应付(分)")
    paid_fen = models.BigIntegerField("实付(分)", default=0)
    refunded_fen = models.BigIntegerField("已退款(分)", default=0)
    # Discounts as the pricing hook explained them (coupon ids, activity ids), for promotions to
    # read back on cancel or refund.
    adjustments = models.JSONField("优惠明细", default=list, blank=True)
    # A promotion that must finish before the order ships (a group-buy waiting to fill): paid but
    # not shippable, and not open to after-sales, while set. Empty means nothing holds it.
    fulfilment_hold = models.CharField(
        "履约暂停", max_length=16, choices=OrderHold.choices, blank=True, default=OrderHold.NONE
    )
    receiver = models.CharField("收货人", max_length=32)
    receiver_phone = models.CharField("收货电话", max_length=20)
    province = models.CharField("省", max_length=32)
    city = models.CharField("市", max_length=32)
    district = models.CharField("区/县", max_length=32)
    address_detail = models.CharField("详细地址", max_length=200)
    remark = models.CharField("买家备注", max_length=200, blank=True, default="")
    idempotency_key = models.CharField("幂等键", max_length=64, null=True, blank=True)
    payment_deadline = models.DateTimeField("支付截止", null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField("付款时间", null=True, blank=True)
    shipped_at = models.DateTimeField("发货时间", null=True, blank=True, db_index=True)
    received_at = models.DateTimeField("收货时间", null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    created_at = models.DateTimeField("下单时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "订单"
        verbose_name_plural = "订单"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="order_idempotency_key_per_buyer",
            ),
            models.CheckConstraint(
                condition=Q(payable_fen=F("goods_fen") + F("shipping_fen") - F("discount_fen")),
                name="order_payable_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(payable_fen__gte=0) & Q(refunded_fen__gte=0) & Q(refunded_fen__lte=F("paid_fen")),
                name="order_amounts_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "status", "-created_at"], name="order_buyer_status"),
            # "Orders paid on a day": the admin home's figures, the analytics rebuild and its
            # reconciliation sweep. Partial: unpaid orders (most of a cancelled flash sale) stay out.
            models.Index(fields=["paid_at"], name="order_paid_at", condition=Q(paid_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.order_no


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name="订单")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name="SKU")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name="商品")
    product_title = models.CharField("商品名称", max_length=120)
    sku_code = models.CharField("SKU 编码", max_length=64)
    sku_specs = models.CharField("规格", max_length=200, blank=True, default="")
    image = models.CharField("图片", max_length=300, blank=True, default="")
    unit_price_fen = models.BigIntegerField("单价(分)")
    quantity = models.PositiveIntegerField("数量")
    goods_fen = models.BigIntegerField("小计(分)")
    discount_fen = models.BigIntegerField("优惠分摊(分)", default=0)
    paid_fen = models.BigIntegerField("实付(分)", help_text="小计减优惠，不含运费；佣金与退款以此为准")
    weight_g = models.PositiveIntegerField("单件重量(克)", default=0)
    shipped_quantity = models.PositiveIntegerField("已发货数量", default=0)
    refunded_quantity = models.PositiveIntegerField("已退款数量", default=0)
    refunded_fen = models.BigIntegerField("已退款(分)", default=0)

    class Meta:
        verbose_name = "订单商品"
        verbose_name_plural = "订单商品"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(goods_fen=F("unit_price_fen") * F("quantity")), name="order_line_goods_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(paid_fen=F("goods_fen") - F("discount_fen")), name="order_line_paid_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0)
                & Q(refunded_fen__lte=F("paid_fen"))
                & Q(refunded_quantity__lte=F("quantity")),
                name="order_line_refund_in_range",
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__lte=F("quantity")), name="order_line_shipped_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_title} {self.sku_specs} ×{self.quantity}"
