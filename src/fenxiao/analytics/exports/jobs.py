"""Background exports: running a queued job (called by the Celery task), handing its file to a
downloader, and the sweep that deletes files after ``EXPORT_KEEP_DAYS``."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.analytics.exports import errors
from fenxiao.analytics.exports.models import ExportJob, ExportStatus
from fenxiao.analytics.exports.request import ExportRequest, export_kind_get
from fenxiao.analytics.exports.writers import write_csv, write_xlsx
from fenxiao.core.replica import lag_tolerant_iter
from fenxiao.risk.audit import audit_record

logger = logging.getLogger(__name__)

PROGRESS_EVERY_ROWS = 1000  # the CSV writer reports per 64 KiB chunk, roughly as often


def export_dir() -> Path:
    folder = Path(settings.EXPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _claim(job_id: int, *, take_over: bool) -> ExportJob | None:
    """Queued → running, once: a task delivered twice runs the job once. ``take_over`` also
    claims a job left running: its message came back because the worker running it died."""
    claimable = [ExportStatus.QUEUED, ExportStatus.RUNNING] if take_over else [ExportStatus.QUEUED]
    claimed = ExportJob.objects.filter(pk=job_id, status__in=claimable).update(status=ExportStatus.RUNNING, rows_done=0)
    return ExportJob.objects.get(pk=job_id) if claimed else None


def export_job_run(*, job_id: int, redelivered: bool = False) -> ExportJob | None:
    """Write the job's file under ``EXPORT_DIR``, moving ``rows_done`` as it goes. Not one
    transaction: progress must be visible while it runs, and a failure is recorded on the job.

    ``redelivered``: the broker gave the message back because the worker holding it died (acks
    late); that worker's run is over, so the job starts again from the first row instead of
    staying "running" for ever. Its half-written file had a name of its own and is never served."""
    job = _claim(job_id, take_over=redelivered)
    if job is None:
        return None
    kind = export_kind_get(job.kind)
    name = f"{job.pk}-{kind.name}-{secrets.token_hex(8)}.{job.format}"
    path = export_dir() / name

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        request = ExportRequest(kind=kind, format=job.format, filters=job.filters)
        if job.requested_by is None:
            raise errors.not_allowed()
        # The rows may be seconds old (the replica); the job's own row is read and written on the primary.
        rows = lag_tolerant_iter(kind.rows(request.queryset(job.requested_by)))
        if job.format == "csv":
            written = write_csv(kind, rows, path, progress=progress)
        else:
            written = write_xlsx(kind, rows, path, progress=progress, progress_every=PROGRESS_EVERY_ROWS)
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        path.unlink(missing_ok=True)
        message = getattr(exc, "message", "") or exc.__class__.__name__
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(message)[:300], finished_at=timezone.now()
        )
    else:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE, rows_done=written, rows_total=written, file_name=name, finished_at=timezone.now()
        )
    return ExportJob.objects.get(pk=job.pk)


def export_job_file(*, job: ExportJob, user: User) -> Path:
    """The finished file of ``job``, for a download that is itself audited: the export entry says
    who asked, this one who took the data away."""
    if job.status == ExportStatus.EXPIRED:
        raise errors.file_expired()
    if job.status != ExportStatus.DONE or not job.file_name:
        raise errors.job_not_ready()
    path = export_dir() / job.file_name
    if not path.is_file():
        raise errors.file_expired()
    audit_record(
        actor_id=user.pk,
        action="export_download",
        target_type=f"export.{job.kind}",
        target_id=job.pk,
        summary=f"下载导出文件 #{job.pk}（{job.rows_total} 行）",
        changes={"job_id": job.pk, "rows": job.rows_total},
    )
    return path


def export_files_sweep(*, now: datetime) -> int:
    """Delete files of jobs finished more than ``EXPORT_KEEP_DAYS`` ago; their jobs stay, marked
    expired, so the history (and the audit log) still says what was exported."""
    cutoff = now - timedelta(days=settings.EXPORT_KEEP_DAYS)
    swept = 0
    for job in ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff).order_by("id"):
        if job.file_name:
            (export_dir() / job.file_name).unlink(missing_ok=True)
        swept += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file_name=""
        )
    return swept
