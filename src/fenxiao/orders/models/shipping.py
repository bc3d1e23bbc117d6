"""How shipping is charged (templates and their rules) and what was shipped (shipments)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fenxiao.orders.models.order import Order, OrderLine


class ChargeBy(models.TextChoices):
    PIECE = "piece", "按件数"
    WEIGHT = "weight", "按重量"


class ShippingTemplate(models.Model):
    """How shipping is charged for the products it covers: first unit(s) plus each extra unit, per
    region, free above a goods total. Products not covered by any template use the default one; a
    store with no template ships free."""

    name = models.CharField("模板名称", max_length=64)
    charge_by = models.CharField("计费方式", max_length=8, choices=ChargeBy.choices, default=ChargeBy.PIECE)
    free_over_fen = models.BigIntegerField(
        "满额包邮(分)", null=True, blank=True, help_text="商品金额达到此值免运费，留空不包邮"
    )
    is_default = models.BooleanField("默认模板", default=False)
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name="适用商品")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "运费模板"
        verbose_name_plural = "运费模板"
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_shipping_template"
            ),
            models.CheckConstraint(
                condition=Q(free_over_fen__gte=0) | Q(free_over_fen__isnull=True),
                name="shipping_free_over_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShippingRule(models.Model):
    """One pricing row of a template. ``provinces`` empty means "everywhere not listed elsewhere".
    Units are pieces or grams depending on the template."""

    template = models.ForeignKey(ShippingTemplate, on_delete=models.CASCADE, related_name="rules", verbose_name="模板")
    provinces = models.JSONField("适用省份", default=list, blank=True, help_text="留空表示其余地区")
    first_units = models.PositiveIntegerField("首件/首重(克)", default=1)
    first_fen = models.BigIntegerField("首费(分)", default=0)
    extra_units = models.PositiveIntegerField("续件/续重(克)", default=1)
    extra_fen = models.BigIntegerField("续费(分)", default=0)
    is_unreachable = models.BooleanField("不配送", default=False)

    class Meta:
        verbose_name = "运费规则"
        verbose_name_plural = "运费规则"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_fen__gte=0) & Q(extra_fen__gte=0), name="shipping_rule_fees_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(first_units__gte=1) & Q(extra_units__gte=1), name="shipping_rule_units_positive"
            ),
        ]

    def __str__(self) -> str:
        return "、".join(self.provinces) or "其余地区"


class Shipment(models.Model):
    class UploadState(models.TextChoices):
        NOT_NEEDED = "not_needed", "无需上传"
        PENDING = "pending", "待上传"
        UPLOADED = "uploaded", "已上传"
        FAILED = "failed", "上传失败"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments", verbose_name="订单")
    carrier_code = models.CharField("快递公司编码", max_length=32)
    carrier_name = models.CharField("快递公司", max_length=32)
    tracking_no = models.CharField("运单号", max_length=64)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发货人",
    )
    wechat_upload = models.CharField(
        "微信发货信息", max_length=16, choices=UploadState.choices, default=UploadState.NOT_NEEDED
    )
    wechat_upload_error = models.CharField("上传错误", max_length=200, blank=True, default="")
    # The stored trace (orders/shipping/traces.py): newest event first, as the provider last told
    # it; read by every page so a view never bills a query.
    trace = models.JSONField("物流轨迹", default=list, blank=True)
    trace_status = models.CharField("物流状态", max_length=16, blank=True, default="")
    trace_checked_at = models.DateTimeField("轨迹更新时间", null=True, blank=True)
    trace_subscribed_at = models.DateTimeField("订阅推送时间", null=True, blank=True)
    delivered_at = models.DateTimeField("签收时间", null=True, blank=True)
    created_at = models.DateTimeField("发货时间", auto_now_add=True)

    class Meta:
        verbose_name = "发货单"
        verbose_name_plural = "发货单"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["carrier_code", "tracking_no"], name="shipment_tracking_unique")]
        indexes = [
            # The tracking sweep's question: parcels still on their way.
            models.Index(
                fields=["trace_checked_at"], condition=Q(delivered_at__isnull=True), name="shipment_trace_undelivered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier_name} {self.tracking_no}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.order_line_id}×{self.quantity}"


class ReceiptSettings(models.Model):
    """One row (pk=1): whether a parcel the carrier reports delivered starts the automatic receipt
    sooner than ``ORDER_AUTO_RECEIVE_DAYS`` after shipping. Off by default: a carrier's "signed"
    is sometimes a locker or a neighbour, and the operator decides whether to trust it."""

    receive_after_delivery = models.BooleanField(
        "签收后提前自动确认收货",
        default=False,
        help_text="开启后，订单所有包裹显示已签收满下方天数即自动确认收货（不晚于发货后的默认期限）",
    )
    receive_after_delivery_days = models.PositiveSmallIntegerField("签收后自动确认收货(天)", default=3)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "收货设置"
        verbose_name_plural = "收货设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(receive_after_delivery_days__lte=30), name="receipt_after_delivery_days_max"
            )
        ]

    def __str__(self) -> str:
        return "收货设置"

    @classmethod
    def current(cls) -> ReceiptSettings:
        return cls.objects.get_or_create(pk=1)[0]
