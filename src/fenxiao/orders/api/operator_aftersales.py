"""The operator's after-sales queue (``/api/v1/admin/after-sales``): staff tokens only. Each step
calls the same service as the admin console; a step the after-sale's status does not allow is a
409 naming it (``AFTER_SALE_NOT_APPROVABLE``, ``AFTER_SALE_RETURN_NOT_RECEIVABLE``, ...)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.orders.aftersales import review
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.api.schemas.aftersales import (
    OperatorAfterSaleDetailOut,
    OperatorAfterSalePageOut,
    OperatorAfterSaleQuery,
    ReceiveReturnIn,
    RejectIn,
    operator_aftersale_detail_dict,
    operator_aftersale_dict,
)

router = Router(tags=["售后运营"], auth=staff_auth)


def _detail(request: HttpRequest, after_sale_id: int) -> dict:
    return operator_aftersale_detail_dict(sel.aftersale_get_for_operator(after_sale_id=after_sale_id), request)


@router.get("/after-sales", response=OperatorAfterSalePageOut, summary="售后单列表")
def aftersale_list(request: HttpRequest, filters: Query[OperatorAfterSaleQuery]):
    page = sel.aftersale_list_for_operator(
        status=filters.status, q=filters.q, page=filters.page, page_size=filters.page_size
    )
    return page.shaped(lambda a: operator_aftersale_dict(a, request))


@router.get("/after-sales/{int:after_sale_id}", response=OperatorAfterSaleDetailOut, summary="售后单详情")
def aftersale_detail(request: HttpRequest, after_sale_id: int):
    return _detail(request, after_sale_id)


@router.post("/after-sales/{int:after_sale_id}/approve", response=OperatorAfterSaleDetailOut, summary="审核通过")
@answers(409)
def aftersale_approve(request: HttpRequest, after_sale_id: int):
    review.aftersale_approve(after_sale_id=after_sale_id, by=request.auth)
    return _detail(request, after_sale_id)


@router.post("/after-sales/{int:after_sale_id}/reject", response=OperatorAfterSaleDetailOut, summary="驳回")
@answers(409)
def aftersale_reject(request: HttpRequest, after_sale_id: int, body: RejectIn):
    review.aftersale_reject(after_sale_id=after_sale_id, by=request.auth, reason=body.reason)
    return _detail(request, after_sale_id)


@router.post(
    "/after-sales/{int:after_sale_id}/receive-return", response=OperatorAfterSaleDetailOut, summary="确认收到退货并退款"
)
@answers(409)
def aftersale_receive_return(request: HttpRequest, after_sale_id: int, body: ReceiveReturnIn):
    review.aftersale_receive_return(after_sale_id=after_sale_id, by=request.auth, restock=body.restock)
    return _detail(request, after_sale_id)


@router.post("/after-sales/{int:after_sale_id}/retry-refund", response=OperatorAfterSaleDetailOut, summary="重试退款")
@answers(409)
def aftersale_retry_refund(request: HttpRequest, after_sale_id: int):
    review.aftersale_refund_retry(after_sale_id=after_sale_id, by=request.auth)
    return _detail(request, after_sale_id)
