"""The quarterly tax filing in the admin (issue 19 §5): the platform's details (one row, saved
through ``tax_platform_update`` so the credit code is checked and the change audit-logged) and a
page to download a quarter's report as CSV or XLSX (``distribution.export_tax_report``; every
download audit-logged by ``tax_report_export``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from fenxiao.core.errors import DomainError
from fenxiao.core.money import fen_to_yuan
from fenxiao.distribution.models import TaxPlatform
from fenxiao.distribution.tax.files import CONTENT_TYPES, file_name, report_bytes
from fenxiao.distribution.tax.platform import PLATFORM_FIELDS, tax_platform_get, tax_platform_update
from fenxiao.distribution.tax.quarters import previous_quarter
from fenxiao.distribution.tax.report import EXPORT_PERMISSION, quarter_parse, tax_report_build, tax_report_export
from fenxiao.distribution.tax.uscc import normalise_uscc, uscc_problem


def _preview(report) -> dict:
    """Totals only: the preview shows no identity, so it is not a read of sensitive data."""
    t = report.totals
    return {
        "label": report.period.label,
        "count": len(report.rows),
        "cells": [fen_to_yuan(t.commission_fen), fen_to_yuan(t.refunds_fen), fen_to_yuan(t.net_fen),
                  str(t.record_count), fen_to_yuan(t.withdrawals_paid_fen), fen_to_yuan(report.expense_movement_fen)],
    }  # fmt: skip


# The definitions of tax/figures.py, in the operator's words.
DEFINITIONS = (
    "按记账时间（店铺时区，北京时间）归属季度。佣金收入：订单付款时计入的佣金；退款冲减及追回：退款时冲减（结算前）"
    "或追回（结算后）的佣金，计入退款发生的季度；净收入 = 佣金收入 − 退款冲减及追回；佣金笔数：当季产生的佣金记录数；"
    "已提现金额：当季到账的提现（含手续费）。"
)


class TaxPlatformForm(forms.ModelForm):
    class Meta:
        model = TaxPlatform
        fields = PLATFORM_FIELDS

    def clean_uscc(self) -> str:
        code = normalise_uscc(self.cleaned_data.get("uscc") or "")
        problem = uscc_problem(code) if code else None
        if problem:
            raise forms.ValidationError(problem)
        return code


class ReportForm(forms.Form):
    quarter = forms.CharField(label="季度", max_length=10, help_text="如 2026Q4")
    format = forms.ChoiceField(label="格式", choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")])


@admin.register(TaxPlatform)
class TaxPlatformAdmin(admin.ModelAdmin):
    form = TaxPlatformForm
    fields = (*PLATFORM_FIELDS, "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row = tax_platform_get()
        return HttpResponseRedirect(reverse("admin:distribution_taxplatform_change", args=[row.pk]))

    def save_model(self, request, obj, form, change) -> None:
        # The form showed the credit code's rule as a field error; the service checks it again
        # and logs the change.
        changes = {name: form.cleaned_data[name] for name in PLATFORM_FIELDS}
        tax_platform_update(actor_id=request.user.pk, changes=changes)

    def get_urls(self):
        own = [path("report/", self.admin_site.admin_view(self.report_view), name="distribution_tax_report")]
        return own + super().get_urls()

    def report_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        initial = {"quarter": previous_quarter(timezone.localdate()).label, "format": "xlsx"}
        form = ReportForm(request.POST or None, initial=initial)
        preview = None
        if request.method == "POST" and form.is_valid():
            quarter, fmt = form.cleaned_data["quarter"], form.cleaned_data["format"]
            try:
                if "preview" in request.POST:
                    preview = _preview(tax_report_build(quarter_parse(quarter)))
                else:
                    report = tax_report_export(actor=request.user, quarter=quarter, fmt=fmt)
                    response = HttpResponse(report_bytes(report, fmt), content_type=CONTENT_TYPES[fmt])
                    response["Content-Disposition"] = content_disposition_header(True, file_name(report, fmt))
                    return response
            except DomainError as exc:
                form.add_error("quarter", exc.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "季度涉税报送（国务院令第810号）",
            "form": form,
            "preview": preview,
            "definitions": DEFINITIONS,
            "platform": tax_platform_get(),
        }
        return render(request, "admin/distribution/tax/report.html", context)
