"""What the mini-program sends and receives for checkout and orders. Amounts are integer fen.
The answers are built as dicts of plain values (``order_dict``, ``quote_dict``), so their schemas
are ``PlainSchema``s: pydantic validates the dict itself, not Ninja's attribute getter over it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, StringConstraints

from fenxiao.core.limits import Quantity, RowId
from fenxiao.core.media import media_url
from fenxiao.core.plain_schema import PlainSchema
from fenxiao.orders.models import Order, OrderLine, event_label
from fenxiao.orders.pricing import Quote

LineQuantity = Annotated[Quantity, Field(le=999)]
OptionToken = Annotated[str, StringConstraints(max_length=64)]


class LineIn(Schema):
    sku_id: RowId
    quantity: LineQuantity


class CheckoutOptions(BaseModel):
    """Promotion choices for the pricing hooks. The ones the mall's own promotions read are typed
    here, so a wrong type is a 422 at the door rather than an error deep in a provider; any other
    key passes through untouched for providers added later. A plain pydantic model: Ninja's
    ``Schema`` reads fields through a getter that drops the keys it does not declare."""

    model_config = ConfigDict(extra="allow")

    coupon_id: RowId | None = None
    coupon: Literal["best"] | None = Field(None, description="best：自动选用优惠最大的可用券")
    seckill_id: RowId | None = None
    seckill_token: OptionToken | None = None
    group_buy_member_id: RowId | None = None
    group_buy_token: OptionToken | None = None

    def for_pricing(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class QuoteIn(Schema):
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=50)]
    address_id: RowId | None = None
    options: CheckoutOptions = Field(default_factory=CheckoutOptions)


class OrderIn(QuoteIn):
    remark: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    from_cart: bool = False


class CancelIn(Schema):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


class OrderListQuery(Schema):
    status: str | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=50)] = 10


class OrderCountsOut(PlainSchema):
    """How many of the caller's orders each tab of "我的订单" holds, for the badges in 我的."""

    pending_payment: int
    to_ship: int
    to_receive: int
    completed: int
    after_sales: int = Field(description="有售后记录的订单数")
    open_after_sales: int = Field(description="处理中的售后单数（与 /after-sales?status=open 一致）")


def _image(name: str, request) -> str:
    return media_url(name, request) if name else ""


def quote_dict(quote: Quote, request) -> dict:
    return {
        "lines": [
            {
                "sku_id": line.sku_id,
                "product_id": line.product_id,
                "title": line.title,
                "specs": line.specs,
                "image": _image(line.image, request),
                "unit_price_fen": line.unit_price_fen,
                "quantity": line.quantity,
                "goods_fen": line.goods_fen,
                "discount_fen": line.discount_fen,
                "paid_fen": line.paid_fen,
            }
            for line in quote.lines
        ],
        "goods_fen": quote.goods_fen,
        "shipping_fen": quote.shipping_fen,
        "discount_fen": quote.discount_fen,
        "payable_fen": quote.payable_fen,
        "discounts": [{"kind": d.kind, "label": d.label, "amount_fen": d.amount_fen} for d in quote.discounts],
        "address": quote.shipping_address,
    }


class QuoteLineOut(PlainSchema):
    sku_id: int
    product_id: int
    title: str
    specs: str
    image: str
    unit_price_fen: int
    quantity: int
    goods_fen: int
    discount_fen: int
    paid_fen: int


class DiscountOut(PlainSchema):
    kind: str
    label: str
    amount_fen: int


class QuoteAddressOut(PlainSchema):
    id: int
    receiver: str
    phone: str
    province: str
    city: str
    district: str
    detail: str


class QuoteOut(PlainSchema):
    lines: list[QuoteLineOut]
    goods_fen: int
    shipping_fen: int
    discount_fen: int
    payable_fen: int
    discounts: list[DiscountOut]
    address: QuoteAddressOut | None


class OrderLineOut(QuoteLineOut):
    id: int
    shipped_quantity: int
    refunded_quantity: int
    refunded_fen: int


class OrderEventOut(PlainSchema):
    type: str
    label: str
    to_status: str
    note: str
    created_at: datetime


class OrderOut(PlainSchema):
    id: int
    order_no: str
    status: str
    status_label: str
    hold: str = ""
    hold_label: str = ""
    goods_fen: int
    shipping_fen: int
    discount_fen: int
    payable_fen: int
    paid_fen: int
    refunded_fen: int
    discounts: list[DiscountOut]
    receiver: str
    receiver_phone: str
    address: str
    remark: str
    payment_deadline: datetime | None
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    received_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    closed_at: datetime | None
    lines: list[OrderLineOut]


class OrderDetailOut(OrderOut):
    events: list[OrderEventOut]


class OrderPageOut(PlainSchema):
    items: list[OrderOut]
    count: int
    page: int
    page_size: int


def line_dict(line: OrderLine, request) -> dict:
    return {
        "id": line.id,
        "sku_id": line.sku_id,
        "product_id": line.product_id,
        "title": line.product_title,
        "specs": line.sku_specs,
        "image": _image(line.image, request),
        "unit_price_fen": line.unit_price_fen,
        "quantity": line.quantity,
        "goods_fen": line.goods_fen,
        "discount_fen": line.discount_fen,
        "paid_fen": line.paid_fen,
        "shipped_quantity": line.shipped_quantity,
        "refunded_quantity": line.refunded_quantity,
        "refunded_fen": line.refunded_fen,
    }


def order_dict(order: Order, request, *, events: bool = False) -> dict:
    """The order as the shopper sees it. An order just placed carries what was written
    (``order.placed``) and is shaped from that without reading it back."""
    placed = getattr(order, "placed", None)
    lines = placed.lines if placed else order.lines.all()
    body = {
        "id": order.id,
        "order_no": order.order_no,
        "status": order.status,
        "status_label": order.get_status_display(),
        "goods_fen": order.goods_fen,
        "shipping_fen": order.shipping_fen,
        "discount_fen": order.discount_fen,
        "payable_fen": order.payable_fen,
        "paid_fen": order.paid_fen,
        "refunded_fen": order.refunded_fen,
        "discounts": [
            {"kind": a.get("kind", ""), "label": a.get("label", ""), "amount_fen": a.get("amount_fen", 0)}
            for a in order.adjustments or []
        ],
        "receiver": order.receiver,
        "receiver_phone": order.receiver_phone,
        "address": f"{order.province}{order.city}{order.district}{order.address_detail}",
        "remark": order.remark,
        "hold": order.fulfilment_hold,
        "hold_label": order.get_fulfilment_hold_display() if order.fulfilment_hold else "",
        "payment_deadline": order.payment_deadline if order.status == "pending_payment" else None,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "shipped_at": order.shipped_at,
        "received_at": order.received_at,
        "completed_at": order.completed_at,
        "cancelled_at": order.cancelled_at,
        "closed_at": order.closed_at,
        "lines": [line_dict(line, request) for line in lines],
    }
    if events:
        body["events"] = [
            {
                "type": e.type,
                "label": event_label(e.type),
                "to_status": e.to_status,
                "note": e.note,
                "created_at": e.created_at,
            }
            for e in (placed.events if placed else order.events.all())
        ]
    return body
