"""After-sales use cases (DESIGN §4): a buyer asks for money back — refund only, or return and
refund — for some units of some lines; the platform audits; the money goes back through payments.

Statuses::

    requested ──approve──▶ refunding (refund only)            ──refund succeeded──▶ refunded
        │      ──approve──▶ awaiting_return ──buyer ships──▶ return_shipped ──receive──▶ refunding
        ├─reject─▶ rejected  ◀──reject── return_shipped          refunding ──refund failed──▶ refund_failed
        └─cancel─▶ cancelled ◀──cancel── awaiting_return          refund_failed ──retry──▶ refunding

The buyer's steps are here; the platform's steps (approve, reject, receive the return, retry the
refund) are in ``review.py``, and what every step writes in ``trail.py``. Every step is one
transaction that locks the order first (lock order: order → after-sale → payment → stock by SKU
id), changes the after-sale and writes the step on the order's trail (``OrderEvent`` with
``data.after_sale_id``). Money is asked for only after that transaction
commits (``refunds.aftersale_refund_submit``): payments calls WeChat, and no row lock is ever held
across that call. What a finished refund does to the order is in ``refunds.py``.

Amounts are computed here, on the server, when the buyer asks (``rules.py``), and never
change afterwards: the buyer sees the exact amount the operator approves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.accounts.uploads import is_served_picture
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.aftersales.rules import LineClaim, refund_amounts, shipping_refundable
from fenxiao.orders.aftersales.trail import aftersale_event, aftersale_move
from fenxiao.orders.errors import AfterSaleConflict, AfterSaleError, order_not_found, step_refused
from fenxiao.orders.locks import lock_aftersale, lock_order
from fenxiao.orders.models import (
    BUYER_KINDS,
    AfterSale,
    AfterSaleKind,
    AfterSaleLine,
    AfterSaleStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from fenxiao.orders.services import new_order_no

MAX_PHOTOS = 9
# Orders the buyer may ask about: paid (not yet shipped), on its way, or received within the window.
ELIGIBLE_ORDER_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.RECEIVED)


@dataclass(frozen=True)
class AfterSaleLineRequest:
    order_line_id: int
    quantity: int


# ---------------------------------------------------------------------------------------------
# the buyer's steps


def _ensure_order_accepts(order: Order, now) -> None:
    if order.status == OrderStatus.COMPLETED or (
        order.status == OrderStatus.RECEIVED
        and order.received_at is not None
        and now > order.received_at + settings.ORDER_AFTER_SALES_WINDOW
    ):
        days = settings.ORDER_AFTER_SALES_WINDOW.days
        raise AfterSaleConflict("AFTER_SALES_WINDOW_CLOSED", f"已超过售后期限（确认收货后 {days} 天），无法申请售后")
    if order.status not in ELIGIBLE_ORDER_STATUSES:
        raise AfterSaleConflict("AFTER_SALE_NOT_ALLOWED", "该订单当前状态不能申请售后")
    if order.fulfilment_hold:
        # A forming group-buy: a member leaving would reopen a seat others counted on, and a
        # failed group refunds everyone in full anyway.
        raise AfterSaleConflict(
            "AFTER_SALE_ORDER_ON_HOLD", f"{order.get_fulfilment_hold_display()}，暂不能申请售后；未成团将自动全额退款"
        )


def _clean_request(
    *, kind: str, reason: str, description: str, photos: Sequence[str], lines: Sequence[AfterSaleLineRequest]
) -> tuple[str, str, list[str]]:
    if kind not in BUYER_KINDS:
        raise AfterSaleError("AFTER_SALE_KIND_INVALID", "售后类型不正确", field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise AfterSaleError("AFTER_SALE_REASON_REQUIRED", "请选择售后原因", field="reason")
    if len(reason) > 64:
        raise AfterSaleError("AFTER_SALE_REASON_TOO_LONG", "售后原因不能超过 64 个字", field="reason")
    description = (description or "").strip()
    if len(description) > 500:
        raise AfterSaleError("AFTER_SALE_DESCRIPTION_TOO_LONG", "问题描述不能超过 500 个字", field="description")
    photos = [p.strip() for p in photos if p and p.strip()]
    if len(photos) > MAX_PHOTOS:
        raise AfterSaleError("AFTER_SALE_TOO_MANY_PHOTOS", f"凭证图片最多 {MAX_PHOTOS} 张", field="photos")
    if not all(is_served_picture(p) for p in photos):
        # Only pictures uploaded here (POST /uploads/images): a foreign link can change later.
        raise AfterSaleError("AFTER_SALE_PHOTO_FOREIGN", "请通过本商城上传凭证图片", field="photos")
    if not lines:
        raise AfterSaleError("AFTER_SALE_LINES_REQUIRED", "请选择要售后的商品", field="lines")
    ids = [ln.order_line_id for ln in lines]
    if len(set(ids)) != len(ids):
        raise AfterSaleError("AFTER_SALE_LINE_DUPLICATED", "同一商品只能选择一次", field="lines")
    if any(ln.quantity < 1 for ln in lines):
        raise AfterSaleError("AFTER_SALE_QUANTITY_INVALID", "售后数量至少为 1", field="lines")
    return reason, description, photos


def _names(lines: Sequence[OrderLine]) -> str:
    return "、".join(f"{ln.product_title}{' ' + ln.sku_specs if ln.sku_specs else ''}" for ln in lines[:5])


@transaction.atomic
def aftersale_request(
    *,
    order_id: int,
    buyer: User,
    kind: str,
    reason: str,
    lines: Sequence[AfterSaleLineRequest],
    description: str = "",
    photos: Sequence[str] = (),
) -> AfterSale:
    """The buyer asks for money back for some units of some lines of their order.

    Refused when the order cannot take an after-sale (not paid yet, closed, or received more than
    ``ORDER_AFTER_SALES_WINDOW`` ago), when a line already has an after-sale in progress (one at a
    time per line keeps partial refunds exact, see ``rules.py``), when more units are asked
    than are left, or when goods are to be returned that were never shipped. Every problem of one
    kind is named in one error, before anything is written."""
    reason, description, photos = _clean_request(
        kind=kind, reason=reason, description=description, photos=photos, lines=lines
    )
    order = lock_order(order_id)
    if order.buyer_id != buyer.id:
        raise order_not_found()
    _ensure_order_accepts(order, timezone.now())

    order_lines = {ln.id: ln for ln in order.lines.order_by("id")}
    unknown = [ln.order_line_id for ln in lines if ln.order_line_id not in order_lines]
    if unknown:
        raise AfterSaleError("AFTER_SALE_LINE_NOT_FOUND", "所选商品不在该订单中", field="lines")
    held = sel.held_units_by_line(order=order)
    wanted = [(order_lines[ln.order_line_id], ln.quantity) for ln in lines]

    busy = [line for line, _ in wanted if held.get(line.id)]
    if busy:
        raise AfterSaleConflict("AFTER_SALE_IN_PROGRESS", f"以下商品已有进行中的售后，请等待处理完成：{_names(busy)}")
    too_many = [line for line, q in wanted if q > line.quantity - line.refunded_quantity]
    if too_many:
        raise AfterSaleError("AFTER_SALE_QUANTITY_EXCEEDED", f"售后数量超过可退数量：{_names(too_many)}", field="lines")
    if kind == AfterSaleKind.RETURN_REFUND:
        returned = sel.returned_units_by_line(order=order)
        unshipped = [line for line, q in wanted if q > line.shipped_quantity - returned.get(line.id, 0)]
        if unshipped:
            raise AfterSaleError(
                "AFTER_SALE_RETURN_NOT_SHIPPED",
                f"商品尚未发货，无需退货，请选择仅退款：{_names(unshipped)}",
                field="kind",
            )

    claims = [
        LineClaim(paid_fen=line.paid_fen, quantity=line.quantity, done=line.refunded_quantity, part=q)
        for line, q in wanted
    ]
    asked = dict((line.id, q) for line, q in wanted)
    units_left_after = sum(
        ln.quantity - ln.refunded_quantity - held.get(ln.id, 0) - asked.get(ln.id, 0) for ln in order_lines.values()
    )
    include_shipping = shipping_refundable(
        units_left_after=units_left_after,
        anything_shipped=any(ln.shipped_quantity for ln in order_lines.values()),
        shipping_claimed=sel.shipping_claimed(order=order),
    )
    amounts = refund_amounts(claims=claims, shipping_fen=order.shipping_fen, include_shipping=include_shipping)

    after_sale = AfterSale.objects.create(
        after_sale_no=new_order_no("AS"),
        order=order,
        buyer=buyer,
        kind=kind,
        reason=reason,
        description=description,
        photos=photos,
        refund_fen=amounts.total_fen,
    )
    AfterSaleLine.objects.bulk_create(
        AfterSaleLine(after_sale=after_sale, order_line=line, quantity=q, refund_fen=fen)
        for (line, q), fen in zip(wanted, amounts.lines, strict=True)
    )
    aftersale_event(
        order,
        after_sale,
        type="after_sale_requested",
        actor=buyer,
        note=f"{after_sale.get_kind_display()}：{reason}",
        data={"refund_fen": amounts.total_fen, "shipping_fen": amounts.shipping_fen},
    )
    return after_sale


@transaction.atomic
def aftersale_cancel(*, after_sale_id: int, buyer: User) -> AfterSale:
    """The buyer withdraws the request before any money moved (and before the goods were sent
    back); the units are free for a new request."""
    order, after_sale = lock_aftersale(after_sale_id, buyer=buyer)
    if after_sale.status not in sel.BUYER_CANCELLABLE:
        raise step_refused("cancel")
    return aftersale_move(
        order,
        after_sale,
        to=AfterSaleStatus.CANCELLED,
        event="after_sale_cancelled",
        actor=buyer,
        note="买家撤销售后申请",
    )


@transaction.atomic
def aftersale_ship_return(
    *, after_sale_id: int, buyer: User, carrier_code: str, tracking_no: str, carrier_name: str = ""
) -> AfterSale:
    """The buyer sent the goods back and tells us the waybill, so the warehouse can expect them."""
    carrier_code, tracking_no = (carrier_code or "").strip(), (tracking_no or "").strip()
    if not carrier_code:
        raise AfterSaleError("RETURN_CARRIER_REQUIRED", "请选择退货快递公司", field="carrier_code")
    if not tracking_no:
        raise AfterSaleError("RETURN_TRACKING_NO_REQUIRED", "请填写退货运单号", field="tracking_no")
    order, after_sale = lock_aftersale(after_sale_id, buyer=buyer)
    if after_sale.status != AfterSaleStatus.AWAITING_RETURN:
        raise step_refused("ship_return")
    after_sale.return_carrier_code = carrier_code[:32]
    after_sale.return_carrier_name = ((carrier_name or "").strip() or carrier_code)[:32]
    after_sale.return_tracking_no = tracking_no[:64]
    return aftersale_move(
        order,
        after_sale,
        to=AfterSaleStatus.RETURN_SHIPPED,
        event="after_sale_return_shipped",
        actor=buyer,
        note=f"买家已寄回：{after_sale.return_carrier_name} {after_sale.return_tracking_no}",
        fields=("return_carrier_code", "return_carrier_name", "return_tracking_no"),
        data={"carrier_code": after_sale.return_carrier_code, "tracking_no": after_sale.return_tracking_no},
    )
