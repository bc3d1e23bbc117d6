"""The operator's tax filing (issue 19 §5) under ``/api/v1/admin``: the platform's details
(``GET/PUT /tax-platform``, staff holding ``distribution.change_taxplatform`` to change) and the
quarterly report (``GET /tax-reports?quarter=2026Q4&format=csv|xlsx``, staff holding
``distribution.export_tax_report``; every export audit-logged). Also the reveal of one
distributor's identity in full (``GET /distributors/{id}/identity``, ``distribution.reveal_identity``,
audit-logged)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import Forbidden, NotFound
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.identity.services import identity_reveal
from fenxiao.distribution.models import DistributorIdentity
from fenxiao.distribution.tax.files import CONTENT_TYPES, file_name, report_bytes
from fenxiao.distribution.tax.platform import tax_platform_get, tax_platform_update, tax_platform_values
from fenxiao.distribution.tax.report import tax_report_export

router = Router(tags=["涉税报送"], auth=staff_auth)
Text = Annotated[str, StringConstraints(max_length=300)]


class TaxReportQuery(Schema):
    quarter: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)] = Field(
        ..., description="季度，如 2026Q4"
    )
    format: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)] = Field(
        "csv", description="csv 或 xlsx"
    )


FILE_ANSWER = {
    "responses": {
        200: {
            "description": "季度涉税报送文件（CSV 为带 BOM 的 UTF-8）",
            "content": {
                CONTENT_TYPES["csv"]: {"schema": {"type": "string"}},
                CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.get("/tax-reports", response={200: None}, summary="导出季度涉税报送", openapi_extra=FILE_ANSWER)
@answers(400)
def tax_report(request: HttpRequest, q: Query[TaxReportQuery]):
    report = tax_report_export(actor=request.auth, quarter=q.quarter, fmt=q.format)
    response = HttpResponse(report_bytes(report, q.format), content_type=CONTENT_TYPES[q.format])
    response["Content-Disposition"] = content_disposition_header(True, file_name(report, q.format))
    return response


class TaxPlatformIn(Schema):
    domain: Text | None = None
    business_type: Text | None = None
    operator_name: Text | None = None
    uscc: Text | None = None


class TaxPlatformOut(Schema):
    domain: str
    business_type: str
    operator_name: str
    uscc: str
    updated_at: datetime | None


def _platform_out() -> dict:
    row = tax_platform_get()
    return {**tax_platform_values(row), "updated_at": row.updated_at}


@router.get("/tax-platform", response=TaxPlatformOut, summary="涉税报送平台信息")
def platform_get(request: HttpRequest):
    return _platform_out()


@router.put("/tax-platform", response=TaxPlatformOut, summary="修改涉税报送平台信息")
@answers(400)
def platform_put(request: HttpRequest, body: TaxPlatformIn):
    if not request.auth.has_perm("distribution.change_taxplatform"):
        raise Forbidden("TAX_PLATFORM_FORBIDDEN", "您没有修改涉税报送平台信息的权限")
    tax_platform_update(actor_id=request.auth.id, changes=body.model_dump(exclude_none=True))
    return _platform_out()


class IdentityFullOut(Schema):
    distributor_id: int
    id_type: str
    real_name: str
    id_number: str


class RevealQuery(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


@router.get("/distributors/{distributor_id}/identity", response=IdentityFullOut, summary="查看分销商实名信息全文")
@answers(404)
def identity_full(request: HttpRequest, distributor_id: int, q: Query[RevealQuery]):
    identity_id = DistributorIdentity.objects.filter(distributor_id=distributor_id).values_list("id", flat=True).first()
    if identity_id is None:
        raise NotFound("IDENTITY_NOT_FOUND", "该分销商尚未实名认证")
    full = identity_reveal(identity_id=identity_id, actor=request.auth, reason=q.reason)
    return {
        "distributor_id": distributor_id,
        "id_type": full.id_type,
        "real_name": full.real_name,
        "id_number": full.id_number,
    }
