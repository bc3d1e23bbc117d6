"""The operator's complaint queue (``/api/v1/admin/complaints``): a staff token with
``risk.view_complaint`` to read, ``risk.change_complaint`` to reply and resolve. Each step calls
the same service as the admin console (and is audit-logged there); a complaint already closed is a
409 ``COMPLAINT_CLOSED``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import Forbidden
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.network.lookup import distributor_codes_for_users
from fenxiao.risk.api.complaint_schemas import (
    ComplaintReplyIn,
    ComplaintResolveIn,
    OperatorComplaintOut,
    OperatorComplaintPageOut,
    OperatorComplaintQuery,
    operator_complaint_dict,
)
from fenxiao.risk.complaints import selectors as sel
from fenxiao.risk.complaints import services

router = Router(tags=["投诉处理"], auth=staff_auth)


def _require(request: HttpRequest, perm: str) -> None:
    if not request.auth.has_perm(f"risk.{perm}_complaint"):
        raise Forbidden("COMPLAINT_FORBIDDEN", "没有处理投诉的权限")


def _detail(complaint_id: int) -> dict:
    complaint = sel.complaint_get(complaint_id=complaint_id)
    return operator_complaint_dict(complaint, distributor_codes_for_users([complaint.distributor_user_id]))


@router.get("/complaints", response=OperatorComplaintPageOut, summary="投诉列表")
@answers(400)
def complaint_list(request: HttpRequest, q: Query[OperatorComplaintQuery]):
    _require(request, "view")
    page = sel.complaint_list_for_operator(status=q.status, overdue=q.overdue, page=q.page, page_size=q.page_size)
    codes = distributor_codes_for_users(c.distributor_user_id for c in page.items)
    return page.shaped(lambda c: operator_complaint_dict(c, codes))


@router.get("/complaints/{int:complaint_id}", response=OperatorComplaintOut, summary="投诉详情")
def complaint_detail(request: HttpRequest, complaint_id: int):
    _require(request, "view")
    return _detail(complaint_id)


@router.post("/complaints/{int:complaint_id}/reply", response=OperatorComplaintOut, summary="回复投诉")
@answers(409)
def complaint_reply(request: HttpRequest, complaint_id: int, body: ComplaintReplyIn):
    _require(request, "change")
    services.complaint_reply(complaint_id=complaint_id, by=request.auth, content=body.content)
    return _detail(complaint_id)


@router.post("/complaints/{int:complaint_id}/resolve", response=OperatorComplaintOut, summary="完结投诉（解决或驳回）")
@answers(409)
def complaint_resolve(request: HttpRequest, complaint_id: int, body: ComplaintResolveIn):
    _require(request, "change")
    services.complaint_resolve(
        complaint_id=complaint_id, by=request.auth, outcome=body.outcome, resolution=body.resolution
    )
    return _detail(complaint_id)
