"""Admin bases for records the console shows but never edits through a form.

Money and audit records (payments, refunds, stock movements) are read only. Orders and
after-sales are changed only by services, which their pages call through their own buttons, so
their change page opens (to hold those buttons) but saves nothing and nothing is added or deleted."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect


class ServiceOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Nothing is edited here; the services change these records."""

    def save_related(self, request, form, formsets, change) -> None:
        pass

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and self.has_change_permission(request):
            # The form saves nothing (its inlines never save either): changes go through the buttons.
            messages.warning(request, "此页面的表单不保存修改，请使用页面上的操作按钮。")
            return HttpResponseRedirect(request.path)
        hide = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**hide, **(extra_context or {})})


class ReadOnlyAdmin(ServiceOnlyAdmin):
    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
