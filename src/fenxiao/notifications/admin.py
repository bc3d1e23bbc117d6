"""The operator's side of notifications: the template settings per kind (WeChat's template id and
which variable fills which keyword, checked against WeChat's keyword rules), and the outbox, read
only, with why each message was or was not sent. Changing a template is audit-logged."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from fenxiao.core.admin_columns import time_column
from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.notifications.catalogue import KINDS, fields_validate
from fenxiao.notifications.models import NotificationTemplate, OutboxMessage, OutboxStatus
from fenxiao.risk.audit import audit_record


class TemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["kind", "enabled", "template_id", "fields"]

    def clean_template_id(self) -> str:
        return self.cleaned_data["template_id"].strip()

    def clean(self) -> dict:
        data = super().clean()
        kind, fields = data.get("kind"), data.get("fields") or {}
        if kind:
            problems = fields_validate(kind, fields)
            if problems:
                self.add_error("fields", problems)
            if data.get("template_id") and data.get("enabled") and not fields:
                self.add_error("fields", "填写了模板 ID 时请同时填写字段映射")
        return data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ["kind", "audience", "scene", "enabled", "template_id", "updated_at"]
    list_filter = ["enabled"]
    readonly_fields = ["variables"]

    @admin.display(description="接收人")
    def audience(self, obj: NotificationTemplate) -> str:
        return "分销商" if KINDS[obj.kind].audience == "distributor" else "买家"

    @admin.display(description="请求订阅时机")
    def scene(self, obj: NotificationTemplate) -> str:
        return {"pay": "支付后", "withdraw": "申请提现", "apply": "申请分销商", "complaint": "提交投诉"}[
            KINDS[obj.kind].scene
        ]

    @admin.display(description="可用变量")
    def variables(self, obj: NotificationTemplate | None) -> str:
        if obj is None or not obj.kind:
            return "保存后显示；各类型可用的变量见 README「订阅消息与消息中心」"
        return "；".join(f"{{{name}}} {label}" for name, label in KINDS[obj.kind].variables.items())

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        state = "启用" if obj.enabled else "停用"
        audit_record(
            actor_id=request.user.pk,
            action="notifications.template_change" if change else "notifications.template_add",
            target_type="notification_template",
            target_id=obj.pk,
            summary=f"{obj.get_kind_display()}：模板 {obj.template_id or '（无）'}，{state}",
            changes={"template_id": obj.template_id, "enabled": obj.enabled, "fields": obj.fields},
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "user", "template_id", "status_badge", "reason", "attempts", "created", "sent"]
    list_filter = ["status", "kind"]
    search_fields = ["template_id", "user__username", "reason"]
    list_select_related = ["user"]
    readonly_fields = [
        "notification",
        "user",
        "kind",
        "template_id",
        "receiver",
        "page",
        "payload",
        "status",
        "reason",
        "errcode",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    exclude = ["data", "claimed_at", "touser"]
    created = time_column("created_at", "创建时间")
    sent = time_column("sent_at", "发送时间")

    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj: OutboxMessage) -> str:
        colour = {
            OutboxStatus.SENT: "#2e7d32",
            OutboxStatus.RECORDED: "#1565c0",
            OutboxStatus.FAILED: "#c62828",
            OutboxStatus.RETRYING: "#ef6c00",
        }.get(obj.status, "#666")
        return format_html('<b style="color:{}">{}</b>', colour, obj.get_status_display())

    @admin.display(description="接收者 openid")
    def receiver(self, obj: OutboxMessage) -> str:
        """Masked: the operator needs to see that there was one, not whose it is."""
        return f"{obj.touser[:6]}***" if obj.touser else "-"

    @admin.display(description="模板数据")
    def payload(self, obj: OutboxMessage) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.data, ensure_ascii=False, indent=2))
