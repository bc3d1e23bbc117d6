"""HTTP answers carrying an export, shared by the API and the admin: a streamed CSV, an XLSX
served from a temporary file (unlinked once opened, so nothing is left behind), a job's file.
The rows are read through ``lag_tolerant_iter``: from the replica when there is one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from fenxiao.analytics.exports.columns import ExportKind
from fenxiao.analytics.exports.models import ExportJob
from fenxiao.analytics.exports.writers import csv_chunks, write_xlsx
from fenxiao.core.replica import lag_tolerant_iter

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_name(kind: ExportKind, fmt: str) -> str:
    return f"{kind.title}-{timezone.localtime():%Y%m%d-%H%M%S}.{fmt}"


def export_response(kind: ExportKind, fmt: str, queryset: QuerySet) -> StreamingHttpResponse | FileResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(kind, lag_tolerant_iter(kind.rows(queryset))), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = content_disposition_header(True, download_name(kind, fmt))
        return response
    fd, name = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
    os.close(fd)
    try:
        write_xlsx(kind, lag_tolerant_iter(kind.rows(queryset)), Path(name))
        handle = open(name, "rb")  # noqa: SIM115 — FileResponse closes it when sent
    finally:
        os.unlink(name)  # the open handle keeps the data until the response is sent
    return FileResponse(
        handle, as_attachment=True, filename=download_name(kind, fmt), content_type=CONTENT_TYPES["xlsx"]
    )


def job_file_response(job: ExportJob, kind: ExportKind, path: Path) -> FileResponse:
    name = f"{kind.title}-{timezone.localtime(job.created_at):%Y%m%d-%H%M%S}.{job.format}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES.get(job.format))
