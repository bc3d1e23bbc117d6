"""Exports in the console: 导出 CSV / 导出 Excel buttons on the changelists of orders (orders and
their lines), commission records, withdrawals, ledger transactions (their legs) and
distributors, and the list of background export jobs.

The buttons export exactly what the list shows: the export view builds the list's own
``ChangeList`` from the same query string (filters, search, date drill-down, default status
filters) and exports the rows behind its queryset, through ``services.export_start`` like the
API. The owning apps' admin classes stay as they are: each is re-registered here as a subclass
with the buttons mixed in (this app comes after them in INSTALLED_APPS, so theirs are loaded)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import select_template
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils.html import format_html

from fenxiao.analytics.exports import jobs, selectors, services
from fenxiao.analytics.exports.columns import ExportKind
from fenxiao.analytics.exports.kinds import FORMATS, KINDS
from fenxiao.analytics.exports.models import ExportJob, ExportStatus
from fenxiao.analytics.exports.request import (
    admin_list_resolver_set,
    export_allowed,
    export_kind_get,
    export_request_from_admin,
)
from fenxiao.analytics.exports.responses import export_response, job_file_response
from fenxiao.core.admin_mixins import ReadOnlyAdmin
from fenxiao.core.errors import DomainError

FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel"}


def _changelist_queryset(kind: ExportKind, query: str, user) -> object:
    """The queryset of ``kind``'s admin list for ``query`` as ``user`` would see it: the list's
    own ChangeList, so its filters, search and defaults apply exactly."""
    model_admin = admin.site.get_model_admin(kind.admin_model)
    request = RequestFactory().get("/", query_string_as_data(query))
    request.user = user
    return model_admin.get_changelist_instance(request).queryset


def query_string_as_data(query: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(query, keep_blank_values=True)


admin_list_resolver_set(_changelist_queryset)


class ExportButtonsMixin:
    """Buttons and the export view for a changelist; ``export_kinds`` are the kinds it offers."""

    export_kinds: tuple[ExportKind, ...] = ()
    export_original_template: str | None = None
    change_list_template = "exports/admin/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.export_view)
        return [path("export/<str:kind>/<str:fmt>/", view, name=self._url_name("export")), *super().get_urls()]

    def _url_name(self, what: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{what}"

    def _base_change_list(self):
        """The template the list had before the buttons came: ours extends it."""
        opts = self.opts
        return select_template(
            [self.export_original_template]
            if self.export_original_template
            else [
                f"admin/{opts.app_label}/{opts.model_name}/change_list.html",
                f"admin/{opts.app_label}/change_list.html",
                "admin/change_list.html",
            ]
        )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        query = request.GET.urlencode()
        several = len(self.export_kinds) > 1
        buttons = [
            (
                f"导出{kind.title if several else ''} {FORMAT_LABELS[fmt]}",
                reverse(f"admin:{self._url_name('export')}", args=[kind.name, fmt]) + (f"?{query}" if query else ""),
            )
            for kind in self.export_kinds
            if export_allowed(request.user, kind)
            for fmt in FORMATS
        ]
        context = {"export_buttons": buttons, "export_base_template": self._base_change_list()}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def export_view(self, request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
        spec = next((k for k in self.export_kinds if k.name == kind), None)
        if spec is None or fmt not in FORMATS:
            raise Http404("导出内容不存在")
        if not export_allowed(request.user, spec):
            raise PermissionDenied
        changelist_url = reverse(f"admin:{self._url_name('changelist')}")
        query = request.GET.urlencode()
        try:
            started = services.export_start(
                user=request.user, request=export_request_from_admin(kind=spec, fmt=fmt, query=query), via="admin"
            )
        except IncorrectLookupParameters:
            messages.error(request, "筛选条件不正确，无法导出")
            return HttpResponseRedirect(changelist_url)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(changelist_url)
        if started.job is not None:
            messages.info(request, f"共 {started.rows} 行，已转为后台导出任务 #{started.job.pk}，完成后可在此页下载。")
            return HttpResponseRedirect(reverse("admin:exports_exportjob_changelist"))
        return export_response(spec, fmt, started.queryset)


def _kinds_by_admin_model() -> dict[type, list[ExportKind]]:
    grouped: dict[type, list[ExportKind]] = {}
    for kind in KINDS.values():
        if kind.admin_model is not None:
            grouped.setdefault(kind.admin_model, []).append(kind)
    return grouped


def _add_buttons() -> None:
    for model, kinds in _kinds_by_admin_model().items():
        if not admin.site.is_registered(model):
            continue
        registered = type(admin.site.get_model_admin(model))
        if issubclass(registered, ExportButtonsMixin):
            continue  # already wrapped (the module imported twice)
        wrapped = type(registered.__name__, (ExportButtonsMixin, registered), {
            "export_kinds": tuple(kinds),
            "export_original_template": registered.change_list_template,
            "change_list_template": "exports/admin/change_list.html",
            "__module__": registered.__module__,
        })  # fmt: skip
        admin.site.unregister(model)
        admin.site.register(model, wrapped)


_add_buttons()


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Background exports. Any staff member sees the jobs of the kinds they may export (the
    person who asked, and colleagues with the same view permission), not others."""

    list_display = ("id", "kind_title", "format", "status", "progress", "rows_total", "requested_by",
                    "created_at", "finished_at", "download")  # fmt: skip
    list_filter = ("status", "kind", "format")
    list_select_related = ("requested_by",)
    fields = ("kind_title", "format", "filters", "status", "progress", "rows_total", "rows_done", "error",
              "requested_by", "created_at", "finished_at", "download")  # fmt: skip
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or export_allowed(request.user, export_kind_get(obj.kind))

    def get_queryset(self, request: HttpRequest):
        allowed = [name for name, kind in KINDS.items() if export_allowed(request.user, kind)]
        return super().get_queryset(request).filter(kind__in=allowed)

    def get_urls(self):
        view = self.admin_site.admin_view(self.download_view)
        return [path("<int:job_id>/download/", view, name="exports_exportjob_download"), *super().get_urls()]

    @admin.display(description="导出内容", ordering="kind")
    def kind_title(self, job: ExportJob) -> str:
        kind = KINDS.get(job.kind)
        return kind.title if kind else job.kind

    @admin.display(description="进度")
    def progress(self, job: ExportJob) -> str:
        return f"{job.progress_percent}%（{job.rows_done}/{job.rows_total}）"

    @admin.display(description="下载")
    def download(self, job: ExportJob) -> str:
        if job.status != ExportStatus.DONE:
            return job.error or "-"
        return format_html('<a href="{}">下载</a>', reverse("admin:exports_exportjob_download", args=[job.pk]))

    def download_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        try:
            job = selectors.export_job_get(job_id=job_id, user=request.user)
            file_path = jobs.export_job_file(job=job, user=request.user)
            return job_file_response(job, export_kind_get(job.kind), file_path)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("admin:exports_exportjob_changelist"))
