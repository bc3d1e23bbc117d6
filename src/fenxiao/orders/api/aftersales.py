"""The shopper's after-sales (``/api/v1/orders/{id}/after-sales``, ``/api/v1/after-sales``). Every
endpoint acts only on the caller's own orders and after-sales: someone else's id answers 404 like
one that never existed."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.orders.aftersales import buyer_steps
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.api.schemas.aftersales import (
    AfterSaleDetailOut,
    AfterSaleIn,
    AfterSaleListQuery,
    AfterSalePageOut,
    ReturnShipmentIn,
    aftersale_detail_dict,
    aftersale_dict,
)

router = Router(tags=["售后"], auth=user_auth)


def _detail(request: HttpRequest, after_sale_id: int) -> dict:
    return aftersale_detail_dict(sel.aftersale_get_for_buyer(after_sale_id=after_sale_id, buyer=request.auth), request)


@router.post("/orders/{int:order_id}/after-sales", response={201: AfterSaleDetailOut}, summary="申请售后")
@answers(409)
def aftersale_create(request: HttpRequest, order_id: int, body: AfterSaleIn):
    after_sale = buyer_steps.aftersale_request(
        order_id=order_id,
        buyer=request.auth,
        kind=body.kind,
        reason=body.reason,
        description=body.description,
        photos=body.photos,
        lines=[buyer_steps.AfterSaleLineRequest(ln.order_line_id, ln.quantity) for ln in body.lines],
    )
    return Status(201, _detail(request, after_sale.id))


@router.get("/after-sales", response=AfterSalePageOut, summary="我的售后")
@answers(400)
def aftersale_list(request: HttpRequest, filters: Query[AfterSaleListQuery]):
    page = sel.aftersale_list_for_buyer(
        buyer=request.auth, status=filters.status, page=filters.page, page_size=filters.page_size
    )
    return page.shaped(lambda a: aftersale_dict(a, request))


@router.get("/after-sales/{int:after_sale_id}", response=AfterSaleDetailOut, summary="售后详情")
def aftersale_detail(request: HttpRequest, after_sale_id: int):
    return _detail(request, after_sale_id)


@router.post("/after-sales/{int:after_sale_id}/cancel", response=AfterSaleDetailOut, summary="撤销售后申请")
@answers(409)
def aftersale_cancel(request: HttpRequest, after_sale_id: int):
    buyer_steps.aftersale_cancel(after_sale_id=after_sale_id, buyer=request.auth)
    return _detail(request, after_sale_id)


@router.post("/after-sales/{int:after_sale_id}/return-shipment", response=AfterSaleDetailOut, summary="填写退货物流")
@answers(409)
def aftersale_return_shipment(request: HttpRequest, after_sale_id: int, body: ReturnShipmentIn):
    buyer_steps.aftersale_ship_return(
        after_sale_id=after_sale_id,
        buyer=request.auth,
        carrier_code=body.carrier_code,
        carrier_name=body.carrier_name,
        tracking_no=body.tracking_no,
    )
    return _detail(request, after_sale_id)
