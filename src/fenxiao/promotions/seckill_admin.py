"""Seckill in the Django admin: read only here (``sold`` and the Redis stock must move together,
so activities are created and changed through the operator API's services); pausing and resuming
are actions."""

from __future__ import annotations

from django.contrib import admin, messages

from fenxiao.core.admin_mixins import ReadOnlyAdmin, ServiceOnlyAdmin
from fenxiao.promotions import seckill_activities as activities
from fenxiao.promotions.models import SeckillActivity


class SeckillActivityAdmin(ServiceOnlyAdmin):
    list_display = ("name", "sku", "seckill_price_fen", "stock", "sold", "per_user_limit", "starts_at", "status")
    readonly_fields = tuple(f.name for f in SeckillActivity._meta.fields)
    list_filter = ("status",)
    search_fields = ("name",)
    list_select_related = ("sku",)
    actions = ("pause_selected", "resume_selected")

    def _each(self, request, queryset, step) -> None:
        for a in queryset:
            step(activity_id=a.pk)
        self.message_user(request, f"已处理 {queryset.count()} 个秒杀活动", messages.SUCCESS)

    @admin.action(description="暂停所选秒杀活动")
    def pause_selected(self, request, queryset):
        self._each(request, queryset, activities.seckill_activity_pause)

    @admin.action(description="恢复所选秒杀活动")
    def resume_selected(self, request, queryset):
        self._each(request, queryset, activities.seckill_activity_resume)


class SeckillPurchaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "activity", "user", "order", "status", "created_at", "returned_at")
    list_filter = ("status",)
    list_select_related = ("activity", "user", "order")
    raw_id_fields = ("activity", "user", "order")
    exclude = ("token",)
