"""拼团 in the Django admin. Activities are created and changed through the same services as the
operator API (the form shows every broken rule at once); pausing and resuming are actions, and
the list shows each activity's outcome. Groups and their members are read only: they move with
payments, cancellations and the deadline sweep."""

from __future__ import annotations

from django.contrib import admin

from fenxiao.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from fenxiao.core.money import yuan
from fenxiao.promotions.admin.activities import ActivityAdmin, ActivityForm, form_fields
from fenxiao.promotions.group_buy import activities
from fenxiao.promotions.models import GroupBuyActivity, GroupBuyGroup, GroupBuyMember


class GroupBuyActivityForm(ActivityForm):
    problems = staticmethod(activities.activity_problems)
    counters = ("groups_opened",)

    class Meta:
        model = GroupBuyActivity
        fields = form_fields(activities.EDITABLE)


@admin.register(GroupBuyActivity)
class GroupBuyActivityAdmin(ActivityAdmin):
    form = GroupBuyActivityForm
    noun = "拼团活动"
    editable = activities.EDITABLE
    create = staticmethod(activities.group_buy_activity_create)
    update = staticmethod(activities.group_buy_activity_update)
    pause = staticmethod(activities.group_buy_activity_pause)
    resume = staticmethod(activities.group_buy_activity_resume)
    list_display = (
        "name",
        "sku",
        "group_size",
        "group_price",
        "starts_at",
        "ends_at",
        "status",
        "groups_opened",
        "success_rate",
    )
    readonly_fields = ("groups_opened", "status", "report")

    @admin.display(description="拼团价(元)")
    def group_price(self, a: GroupBuyActivity) -> str:
        return yuan(a.group_price_fen)

    @admin.display(description="成团率")
    def success_rate(self, a: GroupBuyActivity) -> str:
        return activities.group_buy_activity_report(activity=a)["success_rate"]

    def report_text(self, a: GroupBuyActivity) -> str:
        r = activities.group_buy_activity_report(activity=a)
        return (
            f"已开团 {r['groups_opened']}，进行中 {r['groups_forming']}，成功 {r['groups_succeeded']}，"
            f"失败 {r['groups_failed']}，成团率 {r['success_rate']}；付款人数 {r['paid_members']}，"
            f"已退款 {r['refunded_members']}，退款中 {r['refunding_members']}；"
            f"成团实收 {yuan(r['succeeded_revenue_fen'])} 元"
        )


class GroupBuyMemberInline(ReadOnlyInline):
    model = GroupBuyMember
    fields = ("user", "is_leader", "status", "order", "joined_at", "paid_at", "refunded_at")
    readonly_fields = fields
    raw_id_fields = ("user", "order")


@admin.register(GroupBuyGroup)
class GroupBuyGroupAdmin(ReadOnlyAdmin):
    list_display = ("id", "activity", "leader", "status", "seats_taken", "paid_count", "size", "expires_at")
    list_filter = ("status",)
    search_fields = ("activity__name", "leader__nickname")
    list_select_related = ("activity", "leader")
    raw_id_fields = ("activity", "leader")
    inlines = (GroupBuyMemberInline,)
