"""The platform's after-sales steps (DESIGN §4: "audited by the platform"): approve, reject, receive
the returned goods, retry a failed refund. The buyer's steps are in
``buyer_steps.py``, what every step writes in ``trail.py``.

A step that owes money commits first (the after-sale in ``refunding``, stock back where the rules
say), then asks payments after commit (``refunds.aftersale_refund_submit``: WeChat is called with
no row locked), and answers with the after-sale as it stands after that call. Stock comes back
once per after-sale: the ``restocked`` flag is written in the same transaction as the stock."""

from __future__ import annotations

from django.db import transaction

from fenxiao.accounts.models import User
from fenxiao.inventory.reservations import stock_restock
from fenxiao.orders.aftersales.refunds import aftersale_refund_apply, aftersale_refund_submit
from fenxiao.orders.aftersales.selectors import aftersale_fresh
from fenxiao.orders.aftersales.trail import aftersale_move
from fenxiao.orders.errors import AfterSaleError, step_refused
from fenxiao.orders.locks import lock_aftersale
from fenxiao.orders.models import AfterSale, AfterSaleKind, AfterSaleStatus, Order, OrderLine


def aftersale_refund_start(order: Order, after_sale: AfterSale, *, actor: User | None, event: str, note: str) -> None:
    """The money is now owed: move to ``refunding`` and ask payments once this transaction commits.
    An after-sale worth 0 fen (a line fully paid by a coupon) needs no WeChat refund at all and is
    refunded on the spot, so its units still count as refunded."""
    aftersale_move(
        order, after_sale, to=AfterSaleStatus.REFUNDING, event=event, actor=actor, note=note, fields=("handled_by",)
    )
    if after_sale.refund_fen == 0:
        aftersale_refund_apply(order, after_sale, refund_id=None)
        return
    after_sale_id = after_sale.id
    transaction.on_commit(lambda: aftersale_refund_submit(after_sale_id=after_sale_id))


def _restock(after_sale: AfterSale, *, units: dict[int, int], actor: User | None, note: str) -> None:
    """Put ``units`` (per order line) back on sale, once per after-sale (the ``restocked`` flag is
    the claim), SKUs in ascending id order (the project's lock order)."""
    if after_sale.restocked:
        return
    sku_of = dict(OrderLine.objects.filter(pk__in=list(units)).values_list("pk", "sku_id"))
    per_sku: dict[int, int] = {}
    for line_id, quantity in units.items():
        if quantity > 0:
            per_sku[sku_of[line_id]] = per_sku.get(sku_of[line_id], 0) + quantity
    if not per_sku:
        return
    for sku_id in sorted(per_sku):
        stock_restock(sku_id=sku_id, quantity=per_sku[sku_id], note=note, actor=actor)
    after_sale.restocked = True
    after_sale.save(update_fields=["restocked", "updated_at"])


def _returned_units(after_sale: AfterSale) -> dict[int, int]:
    return {line.order_line_id: line.quantity for line in after_sale.lines.all()}


def _unshipped_units(after_sale: AfterSale) -> dict[int, int]:
    """Units of a refund-only after-sale that never left the warehouse and now never will: those
    beyond what was shipped or already refunded on the line (the same count shipping uses for
    what is still to send)."""
    return {
        line.order_line_id: min(
            line.quantity,
            max(line.order_line.quantity - line.order_line.shipped_quantity - line.order_line.refunded_quantity, 0),
        )
        for line in after_sale.lines.select_related("order_line")
    }


@transaction.atomic
def _approve(*, after_sale_id: int, by: User) -> None:
    order, after_sale = lock_aftersale(after_sale_id)
    if after_sale.status != AfterSaleStatus.REQUESTED:
        raise step_refused("approve")
    after_sale.handled_by = by
    if after_sale.kind == AfterSaleKind.RETURN_REFUND:
        aftersale_move(
            order,
            after_sale,
            to=AfterSaleStatus.AWAITING_RETURN,
            event="after_sale_approved",
            actor=by,
            note="审核通过，等待买家寄回商品",
            fields=("handled_by",),
        )
        return
    # Units refunded before they were shipped will never ship: they go back on sale now.
    _restock(
        after_sale, units=_unshipped_units(after_sale), actor=by, note=f"售后 {after_sale.after_sale_no} 未发货退款"
    )
    aftersale_refund_start(order, after_sale, actor=by, event="after_sale_approved", note="审核通过，退款中")


def aftersale_approve(*, after_sale_id: int, by: User) -> AfterSale:
    """The platform accepts the request: refund only goes straight to the refund; return and
    refund waits for the goods."""
    _approve(after_sale_id=after_sale_id, by=by)
    return aftersale_fresh(after_sale_id)


@transaction.atomic
def aftersale_reject(*, after_sale_id: int, by: User, reason: str) -> AfterSale:
    """The platform refuses the request (before approval), or the returned goods (on arrival);
    the buyer sees the reason and the units are free again."""
    reason = (reason or "").strip()
    if not reason:
        raise AfterSaleError("AFTER_SALE_REJECT_REASON_REQUIRED", "请填写驳回原因", field="reason")
    order, after_sale = lock_aftersale(after_sale_id)
    if after_sale.status not in (AfterSaleStatus.REQUESTED, AfterSaleStatus.RETURN_SHIPPED):
        raise step_refused("reject")
    after_sale.reject_reason = reason[:200]
    after_sale.handled_by = by
    return aftersale_move(
        order,
        after_sale,
        to=AfterSaleStatus.REJECTED,
        event="after_sale_rejected",
        actor=by,
        note=reason,
        fields=("reject_reason", "handled_by"),
    )


@transaction.atomic
def _receive_return(*, after_sale_id: int, by: User, restock: bool) -> None:
    order, after_sale = lock_aftersale(after_sale_id)
    if after_sale.status != AfterSaleStatus.RETURN_SHIPPED:
        raise step_refused("receive_return")
    after_sale.handled_by = by
    if restock:
        _restock(
            after_sale, units=_returned_units(after_sale), actor=by, note=f"售后 {after_sale.after_sale_no} 退货入库"
        )
    aftersale_refund_start(
        order,
        after_sale,
        actor=by,
        event="after_sale_return_received",
        note="已收到退货，退回库存，退款中" if restock else "已收到退货（不退回库存），退款中",
    )


def aftersale_receive_return(*, after_sale_id: int, by: User, restock: bool = True) -> AfterSale:
    """The warehouse got the goods back: optionally put them back on sale (once), then refund.
    Receiving twice is refused by the status, and the ``restocked`` flag keeps stock exact even so."""
    _receive_return(after_sale_id=after_sale_id, by=by, restock=restock)
    return aftersale_fresh(after_sale_id)


@transaction.atomic
def _retry(*, after_sale_id: int, by: User) -> None:
    order, after_sale = lock_aftersale(after_sale_id)
    if after_sale.status != AfterSaleStatus.REFUND_FAILED:
        raise step_refused("retry_refund")
    after_sale.handled_by = by
    aftersale_refund_start(order, after_sale, actor=by, event="after_sale_refund_retried", note="重新发起退款")


def aftersale_refund_retry(*, after_sale_id: int, by: User) -> AfterSale:
    """Ask for the money again after a failed refund. The purpose is the same, so payments reuses
    the refund (and its ``out_refund_no``) unless that one was closed: never two refunds in flight."""
    _retry(after_sale_id=after_sale_id, by=by)
    return aftersale_fresh(after_sale_id)
