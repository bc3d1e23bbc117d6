"""The 数据中心 in the admin: one page (``/admin/analytics/datacentre/``) with the admin's chrome
and navigation, for staff holding the 查看数据中心 permission; no records to add, change or delete."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from fenxiao.analytics.datacentre.page import datacentre_page_get
from fenxiao.analytics.datacentre.ranges import PRESETS, RangeForm
from fenxiao.analytics.models import DATACENTRE_PERMISSION, DataCentre
from fenxiao.analytics.periods import MAX_DAYS


@admin.register(DataCentre)
class DataCentreAdmin(admin.ModelAdmin):
    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.has_perm(DATACENTRE_PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        # Only the page: the proxy's records (order facts) are not for browsing one by one.
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_changelist",
            )
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """A GET form: a bad custom period shows its error beside what was typed, and no figures."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RangeForm(request.GET)
        page = datacentre_page_get(span=form.span, metrics=form.metrics) if form.is_valid() else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "数据中心",
            "form": form,
            "presets": PRESETS,
            "preset": form.preset,
            "shown_dates": form.shown_dates(),
            "metric_choices": form.metric_choices(),
            "max_days": MAX_DAYS,
            "page": page,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/analytics/datacentre.html", context)
