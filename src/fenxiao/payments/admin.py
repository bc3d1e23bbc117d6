"""Payments, refunds and notifications are records of what happened with real money: operators
read them and may ask WeChat for the latest state, but never add, edit or delete them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.core.errors import DomainError
from fenxiao.payments.models import Notification, Payment, Refund
from fenxiao.payments.services import payment_sync, refund_sync


def _run(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, sync, key: str) -> None:
    done = 0
    for obj in queryset[:50]:
        try:
            sync(**{key: obj.pk})
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}：{exc.message}", level=messages.ERROR)
    modeladmin.message_user(request, f"已向微信支付查询 {done} 条")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "out_trade_no",
        "order",
        "amount_fen",
        "status",
        "trade_state",
        "transaction_id",
        "mode",
        "paid_at",
        "anomaly",
        "created_at",
    ]
    list_filter = ["status", "mode", "trade_state"]
    search_fields = ["out_trade_no", "transaction_id", "order__order_no"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"
    actions = ["sync_with_wechat"]

    @admin.action(description="向微信支付查询最新状态")
    def sync_with_wechat(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset.filter(status="created"), payment_sync, "payment_id")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = [
        "out_refund_no",
        "order",
        "amount_fen",
        "status",
        "channel_status",
        "refund_id",
        "purpose",
        "error",
        "succeeded_at",
        "created_at",
    ]
    list_filter = ["status", "channel_status"]
    search_fields = [
        "out_refund_no",
        "refund_id",
        "payment__out_trade_no",
        "payment__transaction_id",
        "order__order_no",
        "purpose",
    ]
    list_select_related = ["order", "payment"]
    date_hierarchy = "created_at"
    actions = ["sync_with_wechat"]

    @admin.action(description="向微信支付查询最新状态")
    def sync_with_wechat(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset.filter(status__in=["created", "processing"]), refund_sync, "refund_id")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["notification_id", "event_type", "outcome", "received_at"]
    list_filter = ["event_type", "outcome"]
    search_fields = ["notification_id", "resource__out_trade_no", "resource__transaction_id", "resource__out_refund_no"]
    date_hierarchy = "received_at"
