"""The blacklist in the console: add (through ``blacklist_add``, which normalises the value and
audit-logs) and remove (``blacklist_remove``, audit-logged); entries are never edited."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from fenxiao.core.errors import DomainError
from fenxiao.risk.blacklist.services import blacklist_add, blacklist_remove
from fenxiao.risk.models import BlacklistEntry


class BlacklistForm(forms.ModelForm):
    class Meta:
        model = BlacklistEntry
        fields = ("kind", "value", "reason")


@admin.register(BlacklistEntry)
class BlacklistAdmin(admin.ModelAdmin):
    form = BlacklistForm
    list_display = ("kind", "value", "reason", "case", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "reason")
    actions = ("remove_selected",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST" and self.has_add_permission(request):
            form = BlacklistForm(request.POST)
            if form.is_valid():
                try:
                    entry = blacklist_add(actor_id=request.user.pk, **form.cleaned_data)
                except DomainError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, f"已加入黑名单：{entry}")
                    return HttpResponseRedirect("../")
        return super().add_view(request, form_url, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="移出黑名单", permissions=["delete"])
    def remove_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        for entry_id in ids:
            blacklist_remove(entry_id=entry_id, actor_id=request.user.pk)
        self.message_user(request, f"已移出黑名单 {len(ids)} 条", messages.SUCCESS)

    def delete_model(self, request, obj) -> None:
        blacklist_remove(entry_id=obj.pk, actor_id=request.user.pk)
