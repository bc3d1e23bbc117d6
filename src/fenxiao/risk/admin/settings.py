"""The fraud thresholds in the console: one row, changed through ``risk_settings_update`` (checked
against its limits, audit-logged)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from fenxiao.core.errors import DomainError
from fenxiao.risk.cases.settings import FIELDS, risk_settings, risk_settings_check, risk_settings_update
from fenxiao.risk.models import RiskSettings


class RiskSettingsForm(forms.ModelForm):
    class Meta:
        model = RiskSettings
        fields = FIELDS

    def clean(self):
        data = super().clean()
        try:
            risk_settings_check({name: data[name] for name in FIELDS if data.get(name) is not None})
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(RiskSettings)
class RiskSettingsAdmin(admin.ModelAdmin):
    form = RiskSettingsForm
    fields = FIELDS

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row = risk_settings()
        return HttpResponseRedirect(reverse("admin:risk_risksettings_change", args=[row.pk]))

    def save_model(self, request, obj, form, change) -> None:
        """Through the service, so the change is checked and audit-logged."""
        risk_settings_update(actor_id=request.user.pk, changes={name: form.cleaned_data[name] for name in FIELDS})
