"""The 合规报告 page in the admin (``/admin/distribution/compliancereportpage/``): every rule with
✓/✗ and its evidence, and the network as it really is, for staff holding 查看合规报告. Printable:
the page carries a print stylesheet and a 打印 button, and the browser's "print to PDF" makes the
PDF (no PDF library to maintain). Every opening is audit-logged like the API's."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from fenxiao.core.errors import DomainError
from fenxiao.core.money import fen_to_yuan
from fenxiao.distribution.compliance.period import report_period
from fenxiao.distribution.compliance.report import compliance_report_view
from fenxiao.distribution.config.rules import bps_percent
from fenxiao.distribution.models import COMPLIANCE_PERMISSION, ComplianceReportPage


class PeriodForm(forms.Form):
    from_ = forms.DateField(label="开始日期", required=False)
    to = forms.DateField(label="结束日期", required=False)

    def __init__(self, data, *args, **kwargs):
        # "from" is a Python keyword: the query string's name is mapped onto the field here.
        data = {"from_": data.get("from", ""), "to": data.get("to", "")}
        super().__init__(data, *args, **kwargs)


@admin.register(ComplianceReportPage)
class ComplianceReportAdmin(admin.ModelAdmin):
    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.has_perm(COMPLIANCE_PERMISSION)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_changelist",
            )
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PeriodForm(request.GET)
        report, error = None, None
        if form.is_valid():
            try:
                period = report_period(first=form.cleaned_data["from_"], last=form.cleaned_data["to"])
            except DomainError as exc:
                error = exc.message
            else:
                report = compliance_report_view(actor_id=request.user.id, period=period, channel="admin")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "合规报告",
            "form": form,
            "error": error,
            "report": report,
            "shown": _shown(report) if report else None,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/distribution/compliance_report.html", context)


def _shown(report) -> dict:
    """The report's numbers as the operator reads them (yuan, percent)."""
    c = report.commission
    share = c.downline_share_bps
    return {
        "levels": [
            {"level": row.level, "records": row.records, "yuan": fen_to_yuan(row.commission_fen)} for row in c.levels
        ],
        "total_yuan": fen_to_yuan(c.total_fen),
        "own_yuan": fen_to_yuan(c.own_fen),
        "downline_yuan": fen_to_yuan(c.downline_fen),
        "downline_share": bps_percent(share) if share is not None else "—",
        "deepest": c.deepest_paid_level,
    }
