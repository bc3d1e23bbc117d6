"""Shopper checkout and orders: ``/api/v1/checkout/quote`` and ``/api/v1/orders``. Every order
endpoint answers only for the caller's own orders (another user's id is a 404)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Header, Query, Router, Status

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.orders import selectors, services
from fenxiao.orders.aftersales.selectors import aftersale_open_count_for_buyer
from fenxiao.orders.api.schemas.orders import (
    CancelIn,
    OrderCountsOut,
    OrderDetailOut,
    OrderIn,
    OrderListQuery,
    OrderOut,
    OrderPageOut,
    QuoteIn,
    QuoteOut,
    order_dict,
    quote_dict,
)
from fenxiao.orders.checkout import LineRequest, checkout_quote

checkout_router = Router(tags=["结算"], auth=user_auth)
orders_router = Router(tags=["订单"], auth=user_auth)


def _lines(body: QuoteIn) -> list[LineRequest]:
    return [LineRequest(line.sku_id, line.quantity) for line in body.lines]


@checkout_router.post("/quote", response=QuoteOut, summary="结算试算")
@answers(404, 409)
def quote(request: HttpRequest, body: QuoteIn):
    priced = checkout_quote(
        user=request.auth, lines=_lines(body), address_id=body.address_id, options=body.options.for_pricing()
    )
    return quote_dict(priced.quote, request)


@orders_router.post("", response={201: OrderDetailOut}, summary="提交订单")
@answers(404, 409)
def create(request: HttpRequest, body: OrderIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    order = services.order_create(
        user=request.auth,
        lines=_lines(body),
        address_id=body.address_id,
        remark=body.remark,
        options=body.options.for_pricing(),
        idempotency_key=idempotency_key,
        from_cart=body.from_cart,
    )
    if not hasattr(order, "placed"):  # an Idempotency-Key replay: the order as it is now
        order = selectors.order_get_for_buyer(order_id=order.id, buyer=request.auth)
    return Status(201, order_dict(order, request, events=True))


@orders_router.get("", response=OrderPageOut, summary="我的订单")
@answers(400)
def order_list(request: HttpRequest, filters: Query[OrderListQuery]):
    page = selectors.order_list_for_buyer(
        buyer=request.auth, tab=filters.status, page=filters.page, page_size=filters.page_size
    )
    return page.shaped(lambda order: order_dict(order, request))


# Before "/{int:order_id}" so the literal path is never taken for an order id.
@orders_router.get("/counts", response=OrderCountsOut, summary="订单数量")
def order_counts(request: HttpRequest):
    counts = selectors.order_tab_counts_for_buyer(buyer=request.auth)
    return {**counts, "open_after_sales": aftersale_open_count_for_buyer(buyer=request.auth)}


@orders_router.get("/{int:order_id}", response=OrderDetailOut, summary="订单详情")
def order_detail(request: HttpRequest, order_id: int):
    return order_dict(selectors.order_get_for_buyer(order_id=order_id, buyer=request.auth), request, events=True)


@orders_router.post("/{int:order_id}/cancel", response=OrderOut, summary="取消订单")
@answers(409, 502)
def cancel(request: HttpRequest, order_id: int, body: CancelIn):
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.auth)
    services.order_cancel(order_id=order.id, by=request.auth, reason=body.reason or "买家取消")
    return order_dict(selectors.order_get_for_buyer(order_id=order.id, buyer=request.auth), request)


@orders_router.post("/{int:order_id}/confirm-receipt", response=OrderOut, summary="确认收货")
@answers(409)
def confirm_receipt(request: HttpRequest, order_id: int):
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.auth)
    services.order_confirm_receipt(order_id=order.id, by=request.auth)
    return order_dict(selectors.order_get_for_buyer(order_id=order.id, buyer=request.auth), request)
