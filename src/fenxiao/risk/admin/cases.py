"""The risk case queue in the console (issue 19 §1): open cases first, filters by kind and status,
a detail page with the evidence (its every view audit-logged) and the orders it holds, and the two
verdicts as steps: 排除 (commission settles) and 确认 (commission reversed, optionally the
distributor suspended and the accounts blacklisted). Each verdict is the same service the API
calls; deciding needs the ``risk.decide_riskcase`` permission."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from fenxiao.core.admin_mixins import ServiceOnlyAdmin
from fenxiao.distribution.admin.views import DefaultStatusFilter, Step, StepAdmin, admin_link
from fenxiao.risk.audit import audit_record
from fenxiao.risk.cases.services import risk_case_clear, risk_case_confirm
from fenxiao.risk.models import CaseStatus, RiskCase


class NoteForm(forms.Form):
    note = forms.CharField(label="处理说明", max_length=300, required=False, help_text="记入审计日志")


class ConfirmCaseForm(NoteForm):
    suspend = forms.BooleanField(label="同时暂停该分销商", required=False)
    blacklist = forms.BooleanField(
        label="将涉事账号加入黑名单", required=False, help_text="手机号、UnionID、OpenID、设备及证据中的共用地址"
    )


def _clear(case: RiskCase, actor_id: int, data: dict) -> RiskCase:
    return risk_case_clear(case_id=case.pk, actor_id=actor_id, note=data.get("note", ""))


def _confirm(case: RiskCase, actor_id: int, data: dict) -> RiskCase:
    return risk_case_confirm(
        case_id=case.pk,
        actor_id=actor_id,
        note=data.get("note", ""),
        suspend=bool(data.get("suspend")),
        blacklist=bool(data.get("blacklist")),
    )


def _is_open(case: RiskCase) -> bool:
    return case.status == CaseStatus.OPEN


class CaseStatusFilter(DefaultStatusFilter):
    default = CaseStatus.OPEN
    statuses = list(CaseStatus.choices)


@admin.register(RiskCase)
class RiskCaseAdmin(StepAdmin, ServiceOnlyAdmin):
    list_display = ("id", "kind", "status", "subject", "summary", "order_count", "created_at", "operations")
    list_filter = (CaseStatusFilter, "kind")
    list_select_related = ("subject_user",)
    search_fields = ("summary", "subject_user__nickname", "subject_user__username")
    date_hierarchy = "created_at"
    list_per_page = 50
    fieldsets = (
        ("案件", {"fields": (("kind", "status"), "subject", "summary", "created_at", "opened_by")}),
        ("冻结的订单", {"fields": ("order_links",)}),
        ("证据", {"fields": ("evidence_view",)}),
        ("处理", {"fields": ("decided_by", "decided_at", "decision_note", "reversed_yuan")}),
        ("操作", {"fields": ("operations",)}),
    )
    steps = (
        Step("clear", "排除", "排除后案件中订单的佣金按原计划结算（已到期的立即结算）。", NoteForm, _is_open, _clear),
        Step("confirm", "确认", "确认后案件中订单的佣金将全部冲回（已结算的从可提现余额追回）。",
             ConfirmCaseForm, _is_open, _confirm),
    )  # fmt: skip
    step_columns = (
        ("编号", lambda c: c.pk),
        ("类型", lambda c: c.get_kind_display()),
        ("涉事用户", lambda c: str(c.subject_user)),
        ("摘要", lambda c: c.summary),
    )

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("risk.decide_riskcase")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            audit_record(
                actor_id=request.user.pk,
                action="risk.case_view",
                target_type="risk_case",
                target_id=object_id,
                summary="查看风险案件证据（后台）",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="涉事用户")
    def subject(self, case: RiskCase) -> str:
        return admin_link("admin:accounts_user_change", [case.subject_user_id], str(case.subject_user))

    @admin.display(description="订单数")
    def order_count(self, case: RiskCase) -> int:
        return case.orders.count()

    @admin.display(description="订单")
    def order_links(self, case: RiskCase) -> str:
        links = [
            (admin_link("admin:orders_order_change", [link.order_id], f"订单 #{link.order_id}"),
             "冻结中" if link.held else "已解除")
            for link in case.orders.order_by("order_id")
        ]  # fmt: skip
        return format_html_join(mark_safe("<br>"), "{} {}", links)

    @admin.display(description="证据")
    def evidence_view(self, case: RiskCase) -> str:
        return format_html(
            "<pre style='white-space:pre-wrap'>{}</pre>", json.dumps(case.evidence, ensure_ascii=False, indent=2)
        )

    @admin.display(description="冲回佣金(元)")
    def reversed_yuan(self, case: RiskCase) -> str:
        return f"{case.reversed_fen / 100:.2f}"

    @admin.display(description="操作")
    def operations(self, case: RiskCase) -> str:
        return self.step_links(case)
