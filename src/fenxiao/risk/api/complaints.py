"""The shopper's complaints (``/api/v1/complaints``): file one about a distributor (by the code
they shared) or one of their own orders, list their own, read one with the operator's replies.
Someone else's complaint, or order, is a 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.network.lookup import distributor_codes_for_users, distributor_user_id_for_code
from fenxiao.risk.api.complaint_schemas import (
    ComplaintCategoryOut,
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintListQuery,
    ComplaintPageOut,
    complaint_detail_dict,
    complaint_dict,
)
from fenxiao.risk.complaints import selectors as sel
from fenxiao.risk.complaints import services
from fenxiao.risk.complaints.errors import ComplaintError
from fenxiao.risk.models.complaints import ComplaintCategory

router = Router(tags=["投诉与建议"], auth=user_auth)


def _detail(request: HttpRequest, complaint_id: int) -> dict:
    complaint = sel.complaint_get_for_user(complaint_id=complaint_id, user=request.auth)
    return complaint_detail_dict(complaint, distributor_codes_for_users([complaint.distributor_user_id]))


@router.get("/complaints/categories", response=list[ComplaintCategoryOut], summary="投诉类型", auth=None)
def complaint_categories(request: HttpRequest):
    return [{"value": v, "label": lb} for v, lb in ComplaintCategory.choices]


@router.post("/complaints", response={201: ComplaintDetailOut}, summary="提交投诉")
@answers(400, 404)
def complaint_create(request: HttpRequest, body: ComplaintIn):
    distributor_user_id = None
    if body.distributor_code:
        distributor_user_id = distributor_user_id_for_code(body.distributor_code)
        if distributor_user_id is None:
            raise ComplaintError(
                "COMPLAINT_DISTRIBUTOR_NOT_FOUND", "推广码无效，找不到该分销商", field="distributor_code"
            )
    complaint = services.complaint_create(
        complainant=request.auth,
        category=body.category,
        content=body.content,
        photos=body.photos,
        distributor_user_id=distributor_user_id,
        order_id=body.order_id,
    )
    return Status(201, _detail(request, complaint.pk))


@router.get("/complaints/mine", response=ComplaintPageOut, summary="我的投诉")
def complaint_mine(request: HttpRequest, q: Query[ComplaintListQuery]):
    page = sel.complaint_list_for_user(user=request.auth, page=q.page, page_size=q.page_size)
    codes = distributor_codes_for_users(c.distributor_user_id for c in page.items)
    return page.shaped(lambda c: complaint_dict(c, codes))


@router.get("/complaints/{int:complaint_id}", response=ComplaintDetailOut, summary="投诉详情")
def complaint_detail(request: HttpRequest, complaint_id: int):
    return _detail(request, complaint_id)
