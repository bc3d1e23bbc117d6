"""拼团 in the Django admin. Activities are created and changed through the same services as the
operator API (the form shows every broken rule at once); pausing and resuming are actions, and
the list shows each activity's outcome. Groups and their members are read only: they move with
payments, cancellations and the deadline sweep."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from fenxiao.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from fenxiao.core.errors import DomainError
from fenxiao.core.money import yuan
from fenxiao.promotions import group_buy_activities as activities
from fenxiao.promotions.models import GroupBuyActivity, GroupBuyMember


class GroupBuyActivityForm(forms.ModelForm):
    class Meta:
        model = GroupBuyActivity
        fields = tuple(name.removesuffix("_id") for name in activities.EDITABLE)

    def clean(self):
        data = super().clean()
        values = {k: data.get(k) for k in self.Meta.fields if k in data}
        sku = values.pop("sku", None)
        probe = GroupBuyActivity(
            groups_opened=self.instance.groups_opened if self.instance.pk else 0,
            sku_id=sku.pk if sku else None,
            **values,
        )
        problems = activities.activity_problems(probe)
        if problems:
            raise forms.ValidationError(problems)
        return data


@admin.register(GroupBuyActivity)
class GroupBuyActivityAdmin(admin.ModelAdmin):
    form = GroupBuyActivityForm
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
    list_filter = ("status",)
    search_fields = ("name",)
    list_select_related = ("sku",)
    raw_id_fields = ("sku",)
    readonly_fields = ("groups_opened", "status", "report")
    actions = ("pause_selected", "resume_selected")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # groups and orders point at it; pause it instead

    @admin.display(description="拼团价(元)")
    def group_price(self, a: GroupBuyActivity) -> str:
        return yuan(a.group_price_fen)

    @admin.display(description="成团率")
    def success_rate(self, a: GroupBuyActivity) -> str:
        return activities.group_buy_activity_report(activity=a)["success_rate"]

    @admin.display(description="活动数据")
    def report(self, a: GroupBuyActivity) -> str:
        if not a.pk:
            return "-"
        r = activities.group_buy_activity_report(activity=a)
        return (
            f"已开团 {r['groups_opened']}，进行中 {r['groups_forming']}，成功 {r['groups_succeeded']}，"
            f"失败 {r['groups_failed']}，成团率 {r['success_rate']}；付款人数 {r['paid_members']}，"
            f"已退款 {r['refunded_members']}，退款中 {r['refunding_members']}；"
            f"成团实收 {yuan(r['succeeded_revenue_fen'])} 元"
        )

    def save_model(self, request, obj, form, change) -> None:
        fields = {
            name: (form.cleaned_data["sku"].pk if name == "sku_id" else form.cleaned_data.get(name))
            for name in activities.EDITABLE
        }
        if change:
            saved = activities.group_buy_activity_update(activity_id=obj.pk, fields=fields)
        else:
            saved = activities.group_buy_activity_create(fields=fields)
        obj.pk = saved.pk

    def _each(self, request, queryset, step) -> None:
        done = 0
        for a in queryset:
            try:
                step(activity_id=a.pk)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{a.name}：{exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"已处理 {done} 个拼团活动", messages.SUCCESS)

    @admin.action(description="暂停所选拼团活动", permissions=["change"])
    def pause_selected(self, request, queryset):
        self._each(request, queryset, activities.group_buy_activity_pause)

    @admin.action(description="恢复所选拼团活动", permissions=["change"])
    def resume_selected(self, request, queryset):
        self._each(request, queryset, activities.group_buy_activity_resume)


class GroupBuyMemberInline(ReadOnlyInline):
    model = GroupBuyMember
    fields = ("user", "is_leader", "status", "order", "joined_at", "paid_at", "refunded_at")
    readonly_fields = fields
    raw_id_fields = ("user", "order")


class GroupBuyGroupAdmin(ReadOnlyAdmin):
    list_display = ("id", "activity", "leader", "status", "seats_taken", "paid_count", "size", "expires_at")
    list_filter = ("status",)
    search_fields = ("activity__name", "leader__nickname")
    list_select_related = ("activity", "leader")
    raw_id_fields = ("activity", "leader")
    inlines = (GroupBuyMemberInline,)
