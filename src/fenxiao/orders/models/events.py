"""The order's trail: one row per status change or operation, and how each type is called."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fenxiao.orders.models.order import Order

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
    "parcel_delivered": "包裹已签收",
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
    "operator_refund_started": "运营退款",
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
