"""收货设置: whether a parcel the carrier reports signed starts the automatic receipt sooner.
One row; every change goes on the audit log (it moves when buyers' orders complete)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from fenxiao.orders.models import ReceiptSettings
from fenxiao.risk.audit import audit_record


@admin.register(ReceiptSettings)
class ReceiptSettingsAdmin(admin.ModelAdmin):
    fields = ("receive_after_delivery", "receive_after_delivery_days", "updated_at")
    readonly_fields = ("updated_at",)
    list_display = ("__str__", "receive_after_delivery", "receive_after_delivery_days", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ReceiptSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        ReceiptSettings.current()  # the row always exists: the list shows it to open
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj: ReceiptSettings, form, change) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)
        audit_record(
            actor_id=request.user.pk,
            action="receipt_settings_update",
            target_type="receipt_settings",
            target_id=1,
            summary="修改收货设置："
            + ("签收后提前自动确认收货" if obj.receive_after_delivery else "按发货时间自动确认收货"),
            changes={f: form.cleaned_data.get(f) for f in form.changed_data},
        )
