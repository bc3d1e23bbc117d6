"""What the mini-program and the operator API send and receive for after-sales. Amounts are integer
fen; the refund amount is always computed by the server, never taken from the client."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from fenxiao.core.limits import Quantity
from fenxiao.core.media import media_url
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.aftersales.buyer_steps import MAX_PHOTOS
from fenxiao.orders.models import AfterSale, AfterSaleStatus, OrderEvent
from fenxiao.payments.models import Refund

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
PhotoUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://\S+$")]


class AfterSaleLineIn(Schema):
    order_line_id: int = Field(..., ge=1)
    quantity: Annotated[Quantity, Field(le=999)]


class AfterSaleIn(Schema):
    kind: Literal["refund_only", "return_refund"] = Field(..., description="仅退款 / 退货退款")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    photos: list[PhotoUrl] = Field(default_factory=list, max_length=MAX_PHOTOS, description="凭证图片链接，最多 9 张")
    lines: list[AfterSaleLineIn] = Field(..., min_length=1, max_length=50)


class ReturnShipmentIn(Schema):
    carrier_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    carrier_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] = ""
    tracking_no: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    ]


class RejectIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ReceiveReturnIn(Schema):
    restock: bool = Field(True, description="退回库存（可再次销售）")


class AfterSaleListQuery(Schema):
    status: str | None = Field(None, description="售后状态，或 open 表示进行中")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(10, ge=1, le=50)


class OperatorAfterSaleQuery(Schema):
    status: str | None = Field(None, description="售后状态，或 open 表示进行中")
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = Field(
        "", description="售后单号、订单号、买家昵称或手机号"
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class AfterSaleLineOut(Schema):
    order_line_id: int
    sku_id: int
    title: str
    specs: str
    image: str
    unit_price_fen: int
    quantity: int
    refund_fen: int


class TimelineOut(Schema):
    type: str
    label: str
    status: str
    note: str
    created_at: datetime


class RefundOut(Schema):
    status: str
    status_label: str
    amount_fen: int
    out_refund_no: str
    succeeded_at: datetime | None


class AfterSaleOut(Schema):
    id: int
    after_sale_no: str
    order_id: int
    order_no: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    refund_fen: int
    goods_refund_fen: int
    shipping_refund_fen: int
    created_at: datetime
    updated_at: datetime
    refunded_at: datetime | None
    lines: list[AfterSaleLineOut]


class AfterSaleDetailOut(AfterSaleOut):
    description: str
    photos: list[str]
    reject_reason: str
    return_carrier_code: str
    return_carrier_name: str
    return_tracking_no: str
    refund: RefundOut | None
    refund_error: str
    can_cancel: bool
    can_ship_return: bool
    timeline: list[TimelineOut]


class OperatorAfterSaleOut(AfterSaleOut):
    buyer_id: int
    buyer_name: str
    handled_by: str


class OperatorAfterSaleDetailOut(AfterSaleDetailOut):
    buyer_id: int
    buyer_name: str
    handled_by: str
    restocked: bool


class AfterSalePageOut(Schema):
    items: list[AfterSaleOut]
    count: int
    page: int
    page_size: int


class OperatorAfterSalePageOut(Schema):
    items: list[OperatorAfterSaleOut]
    count: int
    page: int
    page_size: int


def timeline_dict(event: OrderEvent) -> dict:
    return {
        "type": event.type,
        "label": sel.TIMELINE_LABELS.get(event.type, event.type),
        "status": event.data.get("to", ""),
        "note": event.note,
        "created_at": event.created_at,
    }


def _refund_dict(refund: Refund | None) -> dict | None:
    if refund is None:
        return None
    return {
        "status": refund.status,
        "status_label": refund.get_status_display(),
        "amount_fen": refund.amount_fen,
        "out_refund_no": refund.out_refund_no,
        "succeeded_at": refund.succeeded_at,
    }


def aftersale_dict(after_sale: AfterSale, request) -> dict:
    goods = sel.aftersale_goods_fen(after_sale)
    return {
        "id": after_sale.id,
        "after_sale_no": after_sale.after_sale_no,
        "order_id": after_sale.order_id,
        "order_no": after_sale.order.order_no,
        "kind": after_sale.kind,
        "kind_label": after_sale.get_kind_display(),
        "status": after_sale.status,
        "status_label": after_sale.get_status_display(),
        "reason": after_sale.reason,
        "refund_fen": after_sale.refund_fen,
        "goods_refund_fen": goods,
        "shipping_refund_fen": after_sale.refund_fen - goods,
        "created_at": after_sale.created_at,
        "updated_at": after_sale.updated_at,
        "refunded_at": after_sale.refunded_at,
        "lines": [
            {
                "order_line_id": line.order_line_id,
                "sku_id": line.order_line.sku_id,
                "title": line.order_line.product_title,
                "specs": line.order_line.sku_specs,
                "image": media_url(line.order_line.image, request) if line.order_line.image else "",
                "unit_price_fen": line.order_line.unit_price_fen,
                "quantity": line.quantity,
                "refund_fen": line.refund_fen,
            }
            for line in after_sale.lines.all()
        ],
    }


def aftersale_detail_dict(after_sale: AfterSale, request) -> dict:
    timeline = sel.aftersale_timeline(after_sale=after_sale)
    failed = [e for e in timeline if e.type == "after_sale_refund_failed"]
    return {
        **aftersale_dict(after_sale, request),
        "description": after_sale.description,
        "photos": list(after_sale.photos or []),
        "reject_reason": after_sale.reject_reason,
        "return_carrier_code": after_sale.return_carrier_code,
        "return_carrier_name": after_sale.return_carrier_name,
        "return_tracking_no": after_sale.return_tracking_no,
        "refund": _refund_dict(sel.aftersale_latest_refund(after_sale=after_sale)),
        "refund_error": failed[-1].note if failed and after_sale.status == AfterSaleStatus.REFUND_FAILED else "",
        "can_cancel": after_sale.status in sel.BUYER_CANCELLABLE,
        "can_ship_return": after_sale.status == AfterSaleStatus.AWAITING_RETURN,
        "timeline": [timeline_dict(e) for e in timeline],
    }


def _operator_fields(after_sale: AfterSale) -> dict:
    buyer = after_sale.buyer
    return {
        "buyer_id": buyer.id,
        "buyer_name": buyer.display_name,
        "handled_by": after_sale.handled_by.get_username() if after_sale.handled_by else "",
    }


def operator_aftersale_dict(after_sale: AfterSale, request) -> dict:
    return {**aftersale_dict(after_sale, request), **_operator_fields(after_sale)}


def operator_aftersale_detail_dict(after_sale: AfterSale, request) -> dict:
    return {
        **aftersale_detail_dict(after_sale, request),
        **_operator_fields(after_sale),
        "restocked": after_sale.restocked,
    }
