"""Operator API for orders (``/api/v1/admin/...``): staff tokens only (a shopper token is 403
STAFF_ONLY). ERP and warehouse systems list orders, read one in full, ship it in one or more
parcels, correct a tracking number and cancel an unpaid order. Staff see the receiver's phone
unmasked: they need it to ship."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.limits import Quantity, RowId
from fenxiao.core.openapi_errors import answers
from fenxiao.orders import selectors, services
from fenxiao.orders.api.schemas.orders import OrderLineOut, line_dict
from fenxiao.orders.models import AfterSale, Order, Shipment
from fenxiao.orders.shipping.selectors import shipment_get_for_operator
from fenxiao.orders.shipping.shipments import order_ship, shipment_update, shippable_quantities
from fenxiao.orders.shipping.tracking import CARRIERS
from fenxiao.orders.shipping.wechat_upload import shipment_upload_retry
from fenxiao.payments.models import Payment

router = Router(tags=["订单运营"], auth=staff_auth)

Text64 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
# Calendar days the filter can turn into local midnights (9999-12-31 has no next day).
FilterDay = Annotated[date, Field(ge=date(1900, 1, 1), le=date(9998, 12, 31))]


class OperatorOrderQuery(Schema):
    status: str | None = None
    date_from: FilterDay | None = None
    date_to: FilterDay | None = None
    buyer_id: RowId | None = None
    q: Text64 = ""
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(0, ge=0, le=100)


class ShipLineIn(Schema):
    order_line_id: int = Field(..., ge=1)
    quantity: Annotated[Quantity, Field(le=999)]


class ShipIn(Schema):
    carrier_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    tracking_no: Text64
    # Omitted or null: ship everything still waiting.
    lines: Annotated[list[ShipLineIn], Field(min_length=1, max_length=50)] | None = None


class ShipmentPatchIn(Schema):
    carrier_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] | None = None
    tracking_no: Text64 | None = None


class OperatorCancelIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


class CarrierOut(Schema):
    code: str
    name: str


class BuyerOut(Schema):
    id: int
    username: str
    nickname: str
    phone: str


class DetailLineOut(OrderLineOut):
    sku_code: str
    # Units that may ship now (not shipped, not refunded, not under an open after-sale).
    shippable_quantity: int


class ShipmentLineOut(Schema):
    order_line_id: int
    title: str
    specs: str
    quantity: int


class OperatorShipmentOut(Schema):
    id: int
    order_id: int
    carrier_code: str
    carrier_name: str
    tracking_no: str
    shipped_by: str
    created_at: datetime
    wechat_upload: str
    wechat_upload_label: str
    wechat_upload_error: str
    lines: list[ShipmentLineOut]


class OperatorOrderOut(Schema):
    id: int
    order_no: str
    status: str
    status_label: str
    buyer: BuyerOut
    goods_fen: int
    shipping_fen: int
    discount_fen: int
    payable_fen: int
    paid_fen: int
    refunded_fen: int
    receiver: str
    receiver_phone: str
    address: str
    remark: str
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    received_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    closed_at: datetime | None
    item_count: int
    shipment_count: int
    lines: list[OrderLineOut]


class OperatorOrderPageOut(Schema):
    items: list[OperatorOrderOut]
    count: int
    page: int
    page_size: int


class EventOut(Schema):
    type: str
    from_status: str
    to_status: str
    actor: str
    note: str
    data: dict[str, Any]
    created_at: datetime


class AfterSaleSummaryLineOut(Schema):
    order_line_id: int
    quantity: int
    refund_fen: int


class AfterSaleSummaryOut(Schema):
    id: int
    after_sale_no: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    refund_fen: int
    created_at: datetime
    lines: list[AfterSaleSummaryLineOut]


class PaymentOut(Schema):
    id: int
    out_trade_no: str
    transaction_id: str
    amount_fen: int
    status: str
    status_label: str
    mode: str
    paid_at: datetime | None
    created_at: datetime


class OperatorOrderDetailOut(OperatorOrderOut):
    province: str
    city: str
    district: str
    address_detail: str
    lines: list[DetailLineOut]
    events: list[EventOut]
    shipments: list[OperatorShipmentOut]
    after_sales: list[AfterSaleSummaryOut]
    payments: list[PaymentOut]


def _who(user) -> str:
    return user.display_name if user is not None else ""


def _shipment_count(order: Order) -> int:
    """The list annotates the count; the detail has the shipments prefetched."""
    counted = getattr(order, "shipment_count", None)
    return counted if counted is not None else len(order.shipments.all())


def _order(order: Order, request: HttpRequest) -> dict:
    lines = list(order.lines.all())
    return {
        "id": order.id,
        "order_no": order.order_no,
        "status": order.status,
        "status_label": order.get_status_display(),
        "buyer": {
            "id": order.buyer.id,
            "username": order.buyer.username,
            "nickname": order.buyer.nickname,
            "phone": order.buyer.phone,
        },
        "goods_fen": order.goods_fen,
        "shipping_fen": order.shipping_fen,
        "discount_fen": order.discount_fen,
        "payable_fen": order.payable_fen,
        "paid_fen": order.paid_fen,
        "refunded_fen": order.refunded_fen,
        "receiver": order.receiver,
        "receiver_phone": order.receiver_phone,
        "address": f"{order.province}{order.city}{order.district}{order.address_detail}",
        "remark": order.remark,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "shipped_at": order.shipped_at,
        "received_at": order.received_at,
        "completed_at": order.completed_at,
        "cancelled_at": order.cancelled_at,
        "closed_at": order.closed_at,
        "item_count": sum(line.quantity for line in lines),
        "shipment_count": _shipment_count(order),
        "lines": [line_dict(line, request) for line in lines],
    }


def _shipment(shipment: Shipment) -> dict:
    return {
        "id": shipment.id,
        "order_id": shipment.order_id,
        "carrier_code": shipment.carrier_code,
        "carrier_name": shipment.carrier_name,
        "tracking_no": shipment.tracking_no,
        "shipped_by": _who(shipment.shipped_by),
        "created_at": shipment.created_at,
        "wechat_upload": shipment.wechat_upload,
        "wechat_upload_label": shipment.get_wechat_upload_display(),
        "wechat_upload_error": shipment.wechat_upload_error,
        "lines": [
            {
                "order_line_id": sl.order_line_id,
                "title": sl.order_line.product_title,
                "specs": sl.order_line.sku_specs,
                "quantity": sl.quantity,
            }
            for sl in sorted(shipment.lines.all(), key=lambda sl: sl.id)
        ],
    }


def _after_sale(a: AfterSale) -> dict:
    return {
        "id": a.id,
        "after_sale_no": a.after_sale_no,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "status": a.status,
        "status_label": a.get_status_display(),
        "reason": a.reason,
        "refund_fen": a.refund_fen,
        "created_at": a.created_at,
        "lines": [
            {"order_line_id": ln.order_line_id, "quantity": ln.quantity, "refund_fen": ln.refund_fen}
            for ln in a.lines.all()
        ],
    }


def _payment(p: Payment) -> dict:
    return {
        "id": p.id,
        "out_trade_no": p.out_trade_no,
        "transaction_id": p.transaction_id or "",
        "amount_fen": p.amount_fen,
        "status": p.status,
        "status_label": p.get_status_display(),
        "mode": p.mode,
        "paid_at": p.paid_at,
        "created_at": p.created_at,
    }


def _detail(order: Order, request: HttpRequest) -> dict:
    lines = list(order.lines.all())
    shippable = shippable_quantities(order, lines)
    return {
        **_order(order, request),
        "province": order.province,
        "city": order.city,
        "district": order.district,
        "address_detail": order.address_detail,
        "lines": [
            {**line_dict(line, request), "sku_code": line.sku_code, "shippable_quantity": shippable[line.id]}
            for line in lines
        ],
        "events": [
            {
                "type": e.type,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": _who(e.actor),
                "note": e.note,
                "data": e.data,
                "created_at": e.created_at,
            }
            for e in order.events.all()
        ],
        "shipments": [_shipment(s) for s in order.shipments.all()],
        "after_sales": [_after_sale(a) for a in order.after_sales.all()],
        "payments": [_payment(p) for p in order.payments.all()],
    }


@router.get("/orders", response=OperatorOrderPageOut, summary="订单列表")
@answers(400)
def operator_orders(request: HttpRequest, filters: Query[OperatorOrderQuery]):
    page = selectors.order_list_for_operator(
        status=filters.status,
        date_from=filters.date_from,
        date_to=filters.date_to,
        buyer_id=filters.buyer_id,
        q=filters.q,
        page=filters.page,
        page_size=filters.page_size,
    )
    return page.shaped(lambda order: _order(order, request))


@router.get("/orders/{int:order_id}", response=OperatorOrderDetailOut, summary="订单详情（含事件、发货、售后、支付）")
def operator_order(request: HttpRequest, order_id: int):
    return _detail(selectors.order_get_for_operator(order_id=order_id), request)


@router.post("/orders/{int:order_id}/shipments", response={201: OperatorShipmentOut}, summary="发货")
@answers(409)
def operator_ship(request: HttpRequest, order_id: int, body: ShipIn):
    shipment = order_ship(
        order_id=order_id,
        by=request.auth,
        carrier_code=body.carrier_code,
        tracking_no=body.tracking_no,
        lines=[(ln.order_line_id, ln.quantity) for ln in body.lines] if body.lines is not None else None,
    )
    return Status(201, _shipment(shipment))


@router.patch(
    "/orders/{int:order_id}/shipments/{int:shipment_id}", response=OperatorShipmentOut, summary="修改物流信息"
)
def operator_shipment_update(request: HttpRequest, order_id: int, shipment_id: int, body: ShipmentPatchIn):
    shipment = shipment_get_for_operator(order_id=order_id, shipment_id=shipment_id)
    shipment = shipment_update(
        shipment_id=shipment.id, by=request.auth, carrier_code=body.carrier_code, tracking_no=body.tracking_no
    )
    return _shipment(shipment)


@router.post(
    "/orders/{int:order_id}/shipments/{int:shipment_id}/wechat-upload",
    response=OperatorShipmentOut,
    summary="重新上传微信发货信息",
)
def operator_shipment_upload(request: HttpRequest, order_id: int, shipment_id: int):
    shipment = shipment_get_for_operator(order_id=order_id, shipment_id=shipment_id)
    return _shipment(shipment_upload_retry(shipment_id=shipment.id))


@router.post("/orders/{int:order_id}/cancel", response=OperatorOrderOut, summary="取消未付款订单")
@answers(409, 502)
def operator_cancel(request: HttpRequest, order_id: int, body: OperatorCancelIn):
    services.order_cancel(order_id=order_id, by=request.auth, reason=body.reason or "运营取消")
    return _order(selectors.order_get_for_operator(order_id=order_id), request)


@router.get("/carriers", response=list[CarrierOut], summary="快递公司列表")
def operator_carriers(request: HttpRequest):
    return [{"code": c.code, "name": c.name} for c in CARRIERS]
