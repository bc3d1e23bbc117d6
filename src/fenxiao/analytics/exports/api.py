"""Operator API for exports (``/api/v1/admin/exports/...``): a staff token that also holds the
Django view permission of the exported model (``orders.view_order`` for orders and their lines,
``distribution.view_commissionrecord``, ``distribution.view_withdrawal``,
``ledger.view_ledgertransaction``, ``distribution.view_distributor``); otherwise 403
EXPORT_FORBIDDEN.

Up to ``EXPORT_SYNC_MAX_ROWS`` rows the answer is the file itself (200, CSV streamed, XLSX from
a temporary file); above it, 202 with a job to poll at ``/exports/jobs/{id}`` and download from
``/exports/jobs/{id}/download`` when done."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from fenxiao.accounts.auth import staff_auth
from fenxiao.analytics.exports import jobs, selectors, services
from fenxiao.analytics.exports.kinds import KINDS
from fenxiao.analytics.exports.models import ExportJob
from fenxiao.analytics.exports.request import export_check_allowed, export_kind_get, export_request_parse
from fenxiao.analytics.exports.responses import CONTENT_TYPES, export_response, job_file_response
from fenxiao.core.limits import RowId
from fenxiao.core.openapi_errors import answers

router = Router(tags=["数据导出"], auth=staff_auth)

FilterDay = Annotated[date, Field(ge=date(1900, 1, 1), le=date(9998, 12, 31))]
Param = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class ExportQuery(Schema):
    format: Param = Field("csv", description="csv 或 xlsx")
    date_from: FilterDay | None = Field(None, alias="from", description="开始日期（含，本地时区）")
    date_to: FilterDay | None = Field(None, alias="to", description="结束日期（含，本地时区）")
    # The admin list's filters; each kind takes the ones its list offers (see the kind's doc).
    status: Param = ""
    buyer_id: Param = ""
    product_id: Param = ""
    distributor_id: Param = ""
    level: Param = ""
    method: Param = ""
    tier_id: Param = ""
    tx_kind: Param = ""
    account: Param = ""


FILTER_PARAMS = (
    "status", "buyer_id", "product_id", "distributor_id", "level", "method", "tier_id", "tx_kind", "account",
)  # fmt: skip


class ExportJobOut(Schema):
    id: int
    kind: str
    format: str
    filters: dict
    status: str
    status_label: str
    rows_total: int
    rows_done: int
    progress_percent: int
    error: str
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None


def _job_out(request: HttpRequest, job: ExportJob) -> dict:
    done = job.status == "done"
    return {
        "id": job.pk,
        "kind": job.kind,
        "format": job.format,
        "filters": job.filters,
        "status": job.status,
        "status_label": job.get_status_display(),
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "progress_percent": job.progress_percent,
        "error": job.error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "download_url": f"/api/v1/admin/exports/jobs/{job.pk}/download" if done else None,
    }


FILE_ANSWER = {
    "responses": {
        200: {
            "description": "导出文件（CSV 为带 BOM 的 UTF-8；行数超过阈值时改为 202 后台任务）",
            "content": {
                CONTENT_TYPES["csv"]: {"schema": {"type": "string"}},
                CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.get("/exports/jobs/{job_id}", response=ExportJobOut, summary="导出任务进度")
def export_job(request: HttpRequest, job_id: RowId):
    return _job_out(request, selectors.export_job_get(job_id=job_id, user=request.auth))


@router.get("/exports/jobs/{job_id}/download", response={200: None}, summary="下载导出文件", openapi_extra=FILE_ANSWER)
@answers(409)
def export_job_download(request: HttpRequest, job_id: RowId):
    job = selectors.export_job_get(job_id=job_id, user=request.auth)
    kind = export_kind_get(job.kind)
    return job_file_response(job, kind, jobs.export_job_file(job=job, user=request.auth))


@router.get(
    "/exports/{kind}",
    response={202: ExportJobOut},
    summary=f"导出（{'、'.join(KINDS)}）",
    openapi_extra=FILE_ANSWER,
)
@answers(403)
def export(request: HttpRequest, kind: str, query: Query[ExportQuery]):
    spec = export_kind_get(kind)
    export_check_allowed(request.auth, spec)  # a lacking permission answers before bad filters do
    params = {name: getattr(query, name) for name in FILTER_PARAMS}
    asked = export_request_parse(
        kind=kind, fmt=query.format, date_from=query.date_from, date_to=query.date_to, params=params
    )
    started = services.export_start(user=request.auth, request=asked, via="api")
    if started.job is not None:
        return Status(202, _job_out(request, started.job))
    return export_response(asked.kind, asked.format, started.queryset)
