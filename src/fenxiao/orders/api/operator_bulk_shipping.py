"""``POST /api/v1/admin/shipments/bulk?dry_run=true|false``: the console's 批量发货 for ERP and
warehouse systems. The same file (CSV or XLSX, multipart field ``file``), the same per-row answer;
``dry_run`` (the default) only previews. Needs a staff token and the permission to change orders;
an apply is audit-logged like the console's."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, UploadedFile

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import Forbidden
from fenxiao.core.openapi_errors import answers
from fenxiao.orders.shipping.bulk import BulkReport, bulk_apply, bulk_preview
from fenxiao.orders.shipping.spreadsheet import bulk_rows_read
from fenxiao.risk.audit import audit_record

router = Router(tags=["订单运营"], auth=staff_auth)
PERMISSION = "orders.change_order"


class BulkQuery(Schema):
    dry_run: bool = True


class BulkRowOut(Schema):
    row_no: int
    order_no: str
    carrier: str
    carrier_name: str
    tracking_no: str
    sku: str
    quantity: str
    outcome: str
    outcome_label: str
    message: str
    shipment_id: int | None


class BulkShipOut(Schema):
    applied: bool
    # Rows per outcome: ship (dry run) / shipped, already_shipped, unknown_order, bad_carrier, ...
    counts: dict[str, int]
    rows: list[BulkRowOut]


def bulk_audit(*, actor_id: int, report: BulkReport, file_name: str) -> None:
    """Who shipped what from which file, and why the other rows did not ship."""
    audit_record(
        actor_id=actor_id,
        action="order_bulk_ship",
        target_type="order",
        summary=f"批量发货「{file_name}」：发货 {report.good} 行，未发 {len(report.verdicts) - report.good} 行",
        changes={
            "file": file_name,
            "counts": report.counts,
            "rows": [
                [v.row.row_no, v.row.order_no, v.row.tracking_no, v.outcome, v.shipment_id]
                for v in report.verdicts[:500]
            ],
        },
    )


def _answer(report: BulkReport) -> dict:
    return {
        "applied": report.applied,
        "counts": report.counts,
        "rows": [
            {
                "row_no": v.row.row_no,
                "order_no": v.row.order_no,
                "carrier": v.row.carrier,
                "carrier_name": v.carrier_name,
                "tracking_no": v.row.tracking_no,
                "sku": v.row.sku,
                "quantity": v.row.quantity,
                "outcome": v.outcome,
                "outcome_label": v.label,
                "message": v.message,
                "shipment_id": v.shipment_id,
            }
            for v in report.verdicts
        ],
    }


@router.post("/shipments/bulk", response=BulkShipOut, summary="批量发货（预览或执行）")
@answers(400)
def bulk_ship(request: HttpRequest, query: Query[BulkQuery], file: File[UploadedFile]):
    if not request.auth.has_perm(PERMISSION):
        raise Forbidden("BULK_SHIP_FORBIDDEN", "没有发货的权限")
    rows = bulk_rows_read(name=file.name or "", content=file.read())
    if query.dry_run:
        return _answer(bulk_preview(rows=rows))
    report = bulk_apply(rows=rows, by=request.auth)
    bulk_audit(actor_id=request.auth.pk, report=report, file_name=file.name or "")
    return _answer(report)
