"""Seckill in the Django admin. Activities are created and changed through the same services as
the operator API (so a changed quota moves the Redis stock with the database, and the form shows
every broken rule at once); pausing and resuming are actions; the list shows sell-through.
Purchases are read only: they move with orders."""

from __future__ import annotations

from django.contrib import admin

from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.core.money import yuan
from fenxiao.promotions.admin.activities import ActivityAdmin, ActivityForm, form_fields
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase
from fenxiao.promotions.seckill import activities


class SeckillActivityForm(ActivityForm):
    problems = staticmethod(activities.activity_problems)
    counters = ("sold",)

    class Meta:
        model = SeckillActivity
        fields = form_fields(activities.EDITABLE)


@admin.register(SeckillActivity)
class SeckillActivityAdmin(ActivityAdmin):
    form = SeckillActivityForm
    noun = "秒杀活动"
    editable = activities.EDITABLE
    create = staticmethod(activities.seckill_activity_create)
    update = staticmethod(activities.seckill_activity_update)
    pause = staticmethod(activities.seckill_activity_pause)
    resume = staticmethod(activities.seckill_activity_resume)
    list_display = (
        "name",
        "sku",
        "seckill_price",
        "stock",
        "sold",
        "sell_through",
        "per_user_limit",
        "starts_at",
        "ends_at",
        "status",
    )
    readonly_fields = ("sold", "status", "report")

    @admin.display(description="秒杀价(元)")
    def seckill_price(self, a: SeckillActivity) -> str:
        return yuan(a.seckill_price_fen)

    @admin.display(description="售罄率")
    def sell_through(self, a: SeckillActivity) -> str:
        bps = a.sold * 10_000 // a.stock if a.stock else 0
        return f"{bps // 100}.{bps % 100:02d}%"

    def report_text(self, a: SeckillActivity) -> str:
        r = activities.seckill_activity_report(activity=a)
        redis = "" if r["redis_remaining"] is None else f"（Redis 剩余 {r['redis_remaining']}）"
        return (
            f"库存 {r['stock']}，已售 {r['sold']}，剩余 {r['remaining']}{redis}；"
            f"订单 {r['orders']}，已付款 {r['paid_orders']}，未付款退回 {r['returned']}"
        )


@admin.register(SeckillPurchase)
class SeckillPurchaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "activity", "user", "order", "status", "created_at", "returned_at")
    list_filter = ("status",)
    list_select_related = ("activity", "user", "order")
    raw_id_fields = ("activity", "user", "order")
    exclude = ("token",)
