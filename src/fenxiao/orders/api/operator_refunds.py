"""Operator refund of a completed order (``POST /api/v1/admin/orders/{id}/refunds``): a staff
token with the ``orders.refund_completed_order`` permission. Whole order (``lines`` omitted) or
some units of some lines, with a reason; audit-logged like the admin's action. The answer is the
refund's after-sale (kind ``operator``) as it stands after payments was asked: ``refunded`` when
WeChat already finished it, ``refunding`` while it is in flight, ``refund_failed`` to retry
through ``/admin/after-sales/{id}/retry-refund``."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import Forbidden
from fenxiao.core.limits import Quantity
from fenxiao.core.openapi_errors import answers
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.aftersales.operator_refunds import (
    NOTE_MAX,
    REASON_MAX,
    OperatorRefundLine,
    order_operator_refund,
)
from fenxiao.orders.api.schemas.aftersales import OperatorAfterSaleDetailOut, operator_aftersale_detail_dict
from fenxiao.risk.audit import audit_record

REFUND_PERMISSION = "orders.refund_completed_order"

router = Router(tags=["订单运营"], auth=staff_auth)


class OperatorRefundLineIn(Schema):
    order_line_id: int = Field(..., ge=1)
    quantity: Annotated[Quantity, Field(le=999)]


class OperatorRefundIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_MAX)]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)] = ""
    lines: list[OperatorRefundLineIn] | None = Field(
        None, min_length=1, max_length=50, description="要退款的商品与数量；不传表示整单退款（全部未退的商品）"
    )


def authorise_refund(user) -> None:
    if not user.has_perm(REFUND_PERMISSION):
        raise Forbidden("OPERATOR_REFUND_FORBIDDEN", "没有发起运营退款的权限")


def audit_refund(*, actor_id: int, after_sale, reason: str, whole: bool) -> None:
    """The refund on the audit log: who gave how much back on which order, and why."""
    audit_record(
        actor_id=actor_id,
        action="order_operator_refund",
        target_type="order",
        target_id=after_sale.order_id,
        summary=f"运营退款 {after_sale.after_sale_no}：{reason}",
        changes={
            "after_sale_id": after_sale.id,
            "refund_fen": after_sale.refund_fen,
            "whole_order": whole,
            "lines": [[line.order_line_id, line.quantity, line.refund_fen] for line in after_sale.lines.all()],
            "status": after_sale.status,
        },
    )


@router.post("/orders/{int:order_id}/refunds", response={201: OperatorAfterSaleDetailOut}, summary="已完成订单运营退款")
@answers(409)
def order_refund(request: HttpRequest, order_id: int, body: OperatorRefundIn):
    authorise_refund(request.auth)
    lines = None if body.lines is None else [OperatorRefundLine(ln.order_line_id, ln.quantity) for ln in body.lines]
    after_sale = order_operator_refund(
        order_id=order_id, by=request.auth, reason=body.reason, note=body.note, lines=lines
    )
    audit_refund(actor_id=request.auth.id, after_sale=after_sale, reason=body.reason, whole=lines is None)
    detail = sel.aftersale_get_for_operator(after_sale_id=after_sale.id)
    return Status(201, operator_aftersale_detail_dict(detail, request))
