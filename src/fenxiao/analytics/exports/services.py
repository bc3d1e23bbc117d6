"""Starting an export (running a background one and sweeping old files: ``jobs``).

``export_start`` counts the rows first: up to ``EXPORT_SYNC_MAX_ROWS`` the caller streams them at
once, above it an ``ExportJob`` is queued and a Celery task (eager without a broker, after the
commit) writes the file while updating its progress. Either way one audit entry says who
exported what, with which filters, and how many rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from fenxiao.accounts.models import User
from fenxiao.analytics.exports import errors
from fenxiao.analytics.exports.models import ExportJob
from fenxiao.analytics.exports.request import ExportRequest, export_allowed
from fenxiao.analytics.exports.tasks import export_job_run_task
from fenxiao.risk.audit import audit_record


@dataclass(frozen=True)
class ExportStart:
    """Either ``queryset`` to stream now, or the queued ``job``."""

    request: ExportRequest
    rows: int
    queryset: QuerySet | None = None
    job: ExportJob | None = None


def _audit(*, user: User, request: ExportRequest, rows: int, via: str, job_id: int | None) -> None:
    audit_record(
        actor_id=user.pk,
        action="export",
        target_type=f"export.{request.kind.name}",
        target_id=job_id or "",
        summary=f"导出{request.kind.title} {request.format.upper()} {rows} 行" + ("（后台任务）" if job_id else ""),
        changes={
            "kind": request.kind.name,
            "format": request.format,
            "filters": request.filters,
            "rows": rows,
            "via": via,
            "job_id": job_id,
        },
    )


@transaction.atomic
def export_start(*, user: User, request: ExportRequest, via: str) -> ExportStart:
    """``via`` is ``"api"`` or ``"admin"``, for the audit log. The caller checked the permission;
    it is checked again here because this is where the data leaves."""
    if not export_allowed(user, request.kind):
        raise errors.not_allowed()
    queryset = request.queryset(user)
    rows = queryset.count()
    if rows <= settings.EXPORT_SYNC_MAX_ROWS:
        _audit(user=user, request=request, rows=rows, via=via, job_id=None)
        return ExportStart(request=request, rows=rows, queryset=queryset)
    job = ExportJob.objects.create(
        kind=request.kind.name, format=request.format, filters=request.filters, rows_total=rows, requested_by=user
    )
    _audit(user=user, request=request, rows=rows, via=via, job_id=job.pk)
    transaction.on_commit(lambda: export_job_run_task.delay(job.pk))
    return ExportStart(request=request, rows=rows, job=job)
