"""An operator gives money back on a completed order (issue 19 §2, DESIGN §5): a complaint or a
dispute is settled after the buyer's after-sales window closed, so the buyer can no longer ask.

It is an after-sale of kind ``operator``, written by the operator straight into ``refunding``: the
same refund machinery then pays it (``aftersale_refund_submit`` → payments → WeChat), and the same
handler books it (``aftersale_refund_apply``: lines' refunded units and amounts, one
``order_line_refunded`` per line so commission is clawed back and analytics follow, the order
closed with ``order_closed`` once every unit is refunded, so the coupon rules run). The buyer sees
it in their after-sales list like any other.

Which orders: only ``completed`` ones. Before completion the buyer's after-sales path is open and
fits better (returns, restock, shipping rules), and commission is still pending, so a refund there
just shrinks it; two competing refund paths on one order would only invite double refunds.

Amounts are exact to the fen: the units of a line are refunded as consecutive slices of what the
line paid (``rules.line_refund_fen``, the largest-remainder rule of after-sales), so however the
refunds are split, they add up to exactly what the line paid and never more. Shipping stays with
the merchant: the parcel was delivered. One refund at a time per order: while an after-sale or a
payments refund is in flight, a new one is refused (the slices need a single holder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from fenxiao.accounts.models import User
from fenxiao.orders.aftersales import selectors as sel
from fenxiao.orders.aftersales.review import aftersale_refund_start
from fenxiao.orders.aftersales.rules import LineClaim, refund_amounts
from fenxiao.orders.aftersales.trail import aftersale_event
from fenxiao.orders.errors import AfterSaleConflict, AfterSaleError
from fenxiao.orders.locks import lock_order
from fenxiao.orders.models import AfterSale, AfterSaleKind, AfterSaleLine, Order, OrderLine, OrderStatus
from fenxiao.orders.services import new_order_no
from fenxiao.payments.models import Refund, RefundStatus

# Orders an operator may refund; see the module's docstring for why only these.
OPERATOR_REFUNDABLE = (OrderStatus.COMPLETED,)
REASON_MAX = 64
NOTE_MAX = 500


@dataclass(frozen=True)
class OperatorRefundLine:
    order_line_id: int
    quantity: int


def _clean(reason: str, note: str, lines: Sequence[OperatorRefundLine] | None) -> tuple[str, str]:
    reason = (reason or "").strip()
    if not reason:
        raise AfterSaleError("OPERATOR_REFUND_REASON_REQUIRED", "请填写退款原因", field="reason")
    if len(reason) > REASON_MAX:
        raise AfterSaleError("OPERATOR_REFUND_REASON_TOO_LONG", f"退款原因不能超过 {REASON_MAX} 个字", field="reason")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise AfterSaleError("OPERATOR_REFUND_NOTE_TOO_LONG", f"备注不能超过 {NOTE_MAX} 个字", field="note")
    if lines is not None:
        if not lines:
            raise AfterSaleError("OPERATOR_REFUND_LINES_REQUIRED", "请选择要退款的商品", field="lines")
        ids = [ln.order_line_id for ln in lines]
        if len(set(ids)) != len(ids):
            raise AfterSaleError("OPERATOR_REFUND_LINE_DUPLICATED", "同一商品只能选择一次", field="lines")
        if any(ln.quantity < 1 for ln in lines):
            raise AfterSaleError("OPERATOR_REFUND_QUANTITY_INVALID", "退款数量至少为 1", field="lines")
    return reason, note


def _ensure_refundable(order: Order) -> None:
    if order.status == OrderStatus.CLOSED and order.completed_at is not None:
        # Completed, then closed by refunds of every unit: nothing is left to give back.
        raise AfterSaleConflict("OPERATOR_REFUND_EXCEEDS_PAID", "订单已全部退款，没有可退的商品")
    if order.status not in OPERATOR_REFUNDABLE:
        raise AfterSaleConflict(
            "OPERATOR_REFUND_ORDER_NOT_COMPLETED", "只有已完成的订单可以发起运营退款；未完成的订单请由买家申请售后"
        )
    busy = AfterSale.objects.filter(order=order, status__in=sel.HOLDING_STATUSES).exists() or (
        Refund.objects.filter(order=order, status__in=(RefundStatus.CREATED, RefundStatus.PROCESSING)).exists()
    )
    if busy:
        raise AfterSaleConflict("OPERATOR_REFUND_IN_FLIGHT", "该订单有进行中的退款，请等待退款完成后再操作")


def _wanted(order: Order, lines: Sequence[OperatorRefundLine] | None) -> list[tuple[OrderLine, int]]:
    order_lines = {ln.id: ln for ln in order.lines.order_by("id")}
    if lines is None:  # the whole order: every unit not refunded yet
        wanted = [(ln, ln.quantity - ln.refunded_quantity) for ln in order_lines.values()]
        wanted = [(ln, q) for ln, q in wanted if q > 0]
        if not wanted:
            raise AfterSaleConflict("OPERATOR_REFUND_EXCEEDS_PAID", "订单已全部退款，没有可退的商品")
        return wanted
    if any(ln.order_line_id not in order_lines for ln in lines):
        raise AfterSaleError("OPERATOR_REFUND_LINE_NOT_FOUND", "所选商品不在该订单中", field="lines")
    wanted = [(order_lines[ln.order_line_id], ln.quantity) for ln in lines]
    too_many = [line for line, q in wanted if q > line.quantity - line.refunded_quantity]
    if too_many:
        names = "、".join(f"{ln.product_title}（可退 {ln.quantity - ln.refunded_quantity} 件）" for ln in too_many)
        raise AfterSaleConflict("OPERATOR_REFUND_EXCEEDS_PAID", f"退款数量超过可退数量：{names}")
    return sorted(wanted, key=lambda pair: pair[0].id)


@transaction.atomic
def _record(
    *, order_id: int, by: User, reason: str, note: str, lines: Sequence[OperatorRefundLine] | None
) -> AfterSale:
    order = lock_order(order_id)
    _ensure_refundable(order)
    wanted = _wanted(order, lines)
    claims = [
        LineClaim(paid_fen=line.paid_fen, quantity=line.quantity, done=line.refunded_quantity, part=q)
        for line, q in wanted
    ]
    amounts = refund_amounts(claims=claims, shipping_fen=order.shipping_fen, include_shipping=False)
    after_sale = AfterSale.objects.create(
        after_sale_no=new_order_no("AS"),
        order=order,
        buyer_id=order.buyer_id,
        kind=AfterSaleKind.OPERATOR,
        reason=reason,
        description=note,
        refund_fen=amounts.total_fen,
        handled_by=by,
    )
    AfterSaleLine.objects.bulk_create(
        AfterSaleLine(after_sale=after_sale, order_line=line, quantity=q, refund_fen=fen)
        for (line, q), fen in zip(wanted, amounts.lines, strict=True)
    )
    aftersale_event(
        order,
        after_sale,
        type="after_sale_requested",
        actor=by,
        note=f"运营退款：{reason}",
        data={"refund_fen": amounts.total_fen, "shipping_fen": 0, "operator": True},
    )
    aftersale_refund_start(order, after_sale, actor=by, event="operator_refund_started", note=f"运营退款：{reason}")
    return after_sale


def order_operator_refund(
    *,
    order_id: int,
    by: User,
    reason: str,
    lines: Sequence[OperatorRefundLine] | None = None,
    note: str = "",
) -> AfterSale:
    """Refund a completed order, whole (``lines`` None: every unit not refunded yet) or some units
    of some lines. Commits the after-sale in ``refunding``, then asks payments (WeChat) with no row
    locked, and returns the after-sale as it stands after that call (``refunded`` when the refund
    already succeeded, ``refund_failed`` for the operator to retry). The caller audit-logs it."""
    reason, note = _clean(reason, note, lines)
    after_sale = _record(order_id=order_id, by=by, reason=reason, note=note, lines=lines)
    return sel.aftersale_fresh(after_sale.id)
