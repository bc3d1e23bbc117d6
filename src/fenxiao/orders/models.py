"""Cart, orders and their lines, the event trail, shipping templates, shipments and after-sales.

Money is integer fen (DESIGN §3). An order line keeps a snapshot of what was bought (title, specs,
unit price) so later catalogue edits never rewrite history, and ``paid_fen`` — what the customer
actually paid for the line after discounts, without shipping — is the base of commission and of
refund limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


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
        indexes = [models.Index(fields=["buyer", "status", "-created_at"], name="order_buyer_status")]

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


# What each event type is called where people read the trail (admin, order page).
EVENT_LABELS = {
    "created": "提交订单",
    "paid": "支付成功",
    "paid_after_cancel": "取消后到账（待退款）",
    "payment_refused": "到账未入账（全额退款）",
    "payment_returned": "未入账款项已退回",
    "payment_return_failed": "未入账款项退款异常",
    "cancelled": "取消订单",
    "partially_shipped": "部分发货",
    "shipped": "发货",
    "shipment_updated": "修改物流",
    "wechat_shipping_uploaded": "已上传微信发货信息",
    "wechat_shipping_upload_failed": "微信发货信息上传失败",
    "received": "确认收货",
    "auto_received": "自动确认收货",
    "completed": "交易完成",
    "closed": "订单关闭",
    "after_sale_requested": "申请售后",
    "after_sale_cancelled": "撤销售后",
    "after_sale_approved": "售后审核通过",
    "after_sale_rejected": "售后驳回",
    "after_sale_return_shipped": "买家寄回商品",
    "after_sale_return_received": "商家收到退货",
    "after_sale_refunded": "退款成功",
    "after_sale_refund_failed": "退款异常",
    "after_sale_refund_retried": "重新发起退款",
    "late_payment_refunded": "取消后到账已退款",
    "late_payment_refund_failed": "取消后到账退款异常",
    "hold_released": "可以发货",
    "voided": "订单作废，已全额退款",
    "void_refund_failed": "作废退款异常",
}


def event_label(event_type: str) -> str:
    return EVENT_LABELS.get(event_type, event_type)


class OrderEvent(models.Model):
    """Append-only trail: every status change and every operation on an order, with its author."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name="订单")
    type = models.CharField("事件", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True, default="")
    to_status = models.CharField("新状态", max_length=16, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    note = models.CharField("说明", max_length=200, blank=True, default="")
    data = models.JSONField("数据", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "订单事件"
        verbose_name_plural = "订单事件"
        ordering = ["id"]

    def __str__(self) -> str:
        return event_label(self.type)


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
    created_at = models.DateTimeField("发货时间", auto_now_add=True)

    class Meta:
        verbose_name = "发货单"
        verbose_name_plural = "发货单"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["carrier_code", "tracking_no"], name="shipment_tracking_unique")]

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


class AfterSaleKind(models.TextChoices):
    REFUND_ONLY = "refund_only", "仅退款"
    RETURN_REFUND = "return_refund", "退货退款"


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
