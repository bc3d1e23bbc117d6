"""Invite campaigns in the console: created and changed through the same services as the operator
API (the form shows every broken rule), with the report numbers on the list and the change page;
pausing and resuming are actions. Invitations, their rewards and the codes are read only. Staff
see names and phones in full: the console is theirs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin

from fenxiao.core.admin_mixins import ReadOnlyAdmin, ReadOnlyInline
from fenxiao.promotions.admin.activities import run_each
from fenxiao.promotions.invites import campaigns, selectors
from fenxiao.promotions.invites.models import CampaignStatus, Invite, InviteCampaign, InviteCode, InviteReward

FORM_FIELDS = (
    "name",
    "starts_at",
    "ends_at",
    "inviter_template",
    "invitee_template",
    "max_rewards_per_inviter",
    "accept_within_hours",
    "order_within_days",
    "min_order_fen",
)


# The model's check constraints report these themselves when the form validates the instance.
CHECKED_BY_CONSTRAINTS = frozenset(c.violation_error_message for c in InviteCampaign._meta.constraints)


def service_fields(data: dict[str, Any], names: Iterable[str] = FORM_FIELDS) -> dict[str, Any]:
    """The form's values under the names the services take (templates by id)."""
    fields: dict[str, Any] = {}
    for name in names:
        if name.endswith("_template"):
            template = data.get(name)
            fields[f"{name}_id"] = template.pk if template is not None else None
        elif name in FORM_FIELDS:
            fields[name] = data.get(name)
    return fields


class InviteCampaignForm(forms.ModelForm):
    class Meta:
        model = InviteCampaign
        fields = FORM_FIELDS

    def clean(self):
        data = super().clean()
        fields = service_fields(data)
        instance = self.instance
        probe = InviteCampaign(pk=instance.pk, status=instance.status or CampaignStatus.ACTIVE, **fields)
        problems = campaigns.campaign_problems(probe)
        # Only what the operator changed: the form shows times to the second, the stored ones
        # may carry microseconds, and an untouched field must not count as a change.
        changed = service_fields(data, self.changed_data)
        locked = campaigns.locked_changes(instance, changed) if instance.pk else []
        if locked:
            problems.append(f"已有用户接受邀请，不能再修改：{'、'.join(locked)}")
        if not problems and probe.status == CampaignStatus.ACTIVE:
            other = campaigns.overlapping_campaign(probe)
            if other is not None:
                problems.append(f"与进行中的活动“{other.name}”时间重叠，同一时间只能有一个邀请活动")
        shown = [p for p in problems if p not in CHECKED_BY_CONSTRAINTS]
        if shown:
            raise forms.ValidationError(shown)
        return data


class InviteRewardInline(ReadOnlyInline):
    model = InviteReward
    fields = ("role", "user", "user_coupon", "issued_at")
    readonly_fields = fields


@admin.register(InviteCampaign)
class InviteCampaignAdmin(admin.ModelAdmin):
    form = InviteCampaignForm
    list_display = (
        "name",
        "starts_at",
        "ends_at",
        "status",
        "invites",
        "first_orders",
        "rewarded",
        "revoked",
        "inviters",
        "k_factor",
    )
    list_filter = ("status",)
    search_fields = ("name",)
    readonly_fields = ("status", "report")
    raw_id_fields = ("inviter_template", "invitee_template")
    actions = ("pause_selected", "resume_selected")

    def get_queryset(self, request):
        return selectors.campaigns_with_counts(super().get_queryset(request))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # invitations point at their campaign; pause it instead

    @admin.display(description="邀请数", ordering="n_invites")
    def invites(self, c: InviteCampaign) -> int:
        return c.n_invites

    @admin.display(description="首单数", ordering="n_first_orders")
    def first_orders(self, c: InviteCampaign) -> int:
        return c.n_first_orders

    @admin.display(description="已发奖", ordering="n_rewarded")
    def rewarded(self, c: InviteCampaign) -> int:
        return c.n_rewarded

    @admin.display(description="已取消", ordering="n_revoked")
    def revoked(self, c: InviteCampaign) -> int:
        return c.n_revoked

    @admin.display(description="邀请人数", ordering="n_inviters")
    def inviters(self, c: InviteCampaign) -> int:
        return c.n_inviters

    @admin.display(description="K 因子")
    def k_factor(self, c: InviteCampaign) -> str:
        return str(selectors.counts_of(c)["k_factor"])

    @admin.display(description="活动报表")
    def report(self, c: InviteCampaign) -> str:
        if c.pk is None:
            return "-"
        r = selectors.campaign_report(campaign=c)
        return (
            f"邀请 {r['invites']} · 注册 {r['sign_ups']} · 首单 {r['first_orders']} · "
            f"待首单 {r['awaiting_first_order']} · 待发奖 {r['pending_rewards']} · 已发奖 {r['rewarded']} · "
            f"已取消 {r['revoked']} · 超时 {r['expired']} · 邀请人 {r['inviters']} · K 因子 {r['k_factor']} · "
            f"发券 邀请人 {r['inviter_coupons']} / 新用户 {r['invitee_coupons']}（已使用 {r['reward_coupons_used']}）"
        )

    def save_model(self, request, obj, form, change) -> None:
        if change:
            fields = service_fields(form.cleaned_data, form.changed_data)
            saved = campaigns.invite_campaign_update(campaign_id=obj.pk, fields=fields)
        else:
            saved = campaigns.invite_campaign_create(fields=service_fields(form.cleaned_data))
        obj.pk = saved.pk

    @admin.action(description="暂停所选邀请活动", permissions=["change"])
    def pause_selected(self, request, queryset):
        run_each(self, request, queryset, lambda pk: campaigns.invite_campaign_pause(campaign_id=pk), "邀请活动")

    @admin.action(description="恢复所选邀请活动", permissions=["change"])
    def resume_selected(self, request, queryset):
        run_each(self, request, queryset, lambda pk: campaigns.invite_campaign_resume(campaign_id=pk), "邀请活动")


@admin.register(Invite)
class InviteAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "campaign",
        "inviter_full",
        "invitee_full",
        "status",
        "accepted_at",
        "first_order",
        "rewarded_at",
        "revoke_reason",
        "inviter_capped",
    )
    list_filter = ("status", "campaign")
    search_fields = ("code", "inviter__nickname", "inviter__phone", "invitee__nickname", "invitee__phone")
    list_select_related = ("campaign", "inviter", "invitee", "first_order")
    raw_id_fields = ("campaign", "inviter", "invitee", "first_order")
    inlines = (InviteRewardInline,)

    @admin.display(description="邀请人")
    def inviter_full(self, i: Invite) -> str:
        return f"{i.inviter.nickname or i.inviter.username} {i.inviter.phone}".strip()

    @admin.display(description="新用户")
    def invitee_full(self, i: Invite) -> str:
        return f"{i.invitee.nickname or i.invitee.username} {i.invitee.phone}".strip()


@admin.register(InviteCode)
class InviteCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "user", "created_at")
    search_fields = ("code", "user__nickname", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
