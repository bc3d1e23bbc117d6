"""Money going back to buyers, as orders sees it: asking payments for a refund, and what a refund
that reached a final state does to the order.

Two kinds of refund come from orders, told apart by the ``purpose`` they carry at payments:

- ``after_sale:<id>`` — an approved after-sale. When it succeeds, its lines' refunded units and
  amounts grow, the order's ``refunded_fen`` grows by the whole refund (shipping included), one
  ``order_line_refunded`` event per line is published (line amounts only: shipping is order-level
  and is no commission base), and an order with every unit refunded is closed (``order_closed``).
- ``void:<order_id>`` — a paid order still held by its promotion (a group-buy that failed to
  fill) is voided: the whole payment goes back, the units go back on sale, the order closes.

Money an order refused (it was cancelled, or already paid) is refunded by payments itself
(``refused_payment:<payment_id>``); orders only notes on the order's trail how that refund ended.

Payments is asked (``refund_create``) only after our transaction committed and while we hold no
row lock, because it calls WeChat. Payments calls ``refund_finished_for_order`` inside its own
transaction; it may call it again for the same refund (a notification delivered twice, a query
that raced the notification), and the second call changes nothing."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.core.extensions import publish_on_commit
from fenxiao.core.money import fen_to_yuan
from fenxiao.inventory.reservations import stock_restock
from fenxiao.orders.aftersales.selectors import aftersale_purpose, void_purpose
from fenxiao.orders.aftersales.trail import aftersale_move
from fenxiao.orders.errors import OrderError
from fenxiao.orders.locks import lock_aftersale, lock_order, lock_order_aftersale
from fenxiao.orders.models import AfterSale, AfterSaleStatus, Order, OrderHold, OrderLine, OrderStatus
from fenxiao.orders.transitions import can_transition, order_event_add, order_transition
from fenxiao.payments.models import Refund, RefundStatus

logger = logging.getLogger(__name__)

# A refund that should exist by now: an approve commits, then asks payments within a second. Older
# than this and still without a refund, the process died in between and the sweep asks again.
REFUND_SWEEP_GRACE = timedelta(minutes=5)

FAILURE_MESSAGES = {
    RefundStatus.ABNORMAL: "微信退款异常（如买家银行卡已注销或账户冻结），请在微信支付商户平台处理异常退款或线下退款",
    RefundStatus.CLOSED: "微信退款已关闭，请重试退款",
}
SUBMIT_FAILED = "退款提交失败，请稍后重试退款"


def _refund_create(*, order_id: int, amount_fen: int, reason: str, purpose: str) -> Refund:
    # Imported here: payments' services know orders (they pay for them), and orders' modules load
    # first at start-up.
    from fenxiao.payments.services import refund_create

    return refund_create(order_id=order_id, amount_fen=amount_fen, reason=reason, purpose=purpose)


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return f"退款提交失败：{exc.message}"[:200]
    return SUBMIT_FAILED


# ---------------------------------------------------------------------------------------------
# after-sales


def aftersale_refund_submit(*, after_sale_id: int) -> None:
    """Ask payments for an after-sale's money. Runs after the step that owed it committed, holding
    no lock. If payments refuses or WeChat fails, the after-sale becomes ``refund_failed`` with the
    reason, for the operator to retry; if this process dies first, ``sweep_stuck_refunds`` asks."""
    after_sale = AfterSale.objects.filter(pk=after_sale_id).first()
    if after_sale is None or after_sale.status != AfterSaleStatus.REFUNDING or after_sale.refund_fen == 0:
        return
    try:
        refund = _refund_create(
            order_id=after_sale.order_id,
            amount_fen=after_sale.refund_fen,
            reason=f"售后退款 {after_sale.after_sale_no}",
            purpose=aftersale_purpose(after_sale.id),
        )
    except Exception as exc:  # whatever went wrong, the money is still owed: park it for a retry
        logger.exception("after-sale %s: refund_create failed", after_sale_id)
        aftersale_refund_fail(after_sale_id=after_sale_id, message=_failure_message(exc))
        return
    if refund.status in (RefundStatus.SUCCEEDED, RefundStatus.ABNORMAL):
        # Payments answered with a refund of this purpose that was already final (a retry after
        # an abnormal refund gets that same refund back): its handler ran before this after-sale
        # was refunding again, so tell it now. Safe to repeat.
        try:
            refund_finished_for_order(refund=refund)
        except DomainError as exc:
            aftersale_refund_fail(after_sale_id=after_sale_id, message=_failure_message(exc), refund_id=refund.id)


@transaction.atomic
def aftersale_refund_fail(*, after_sale_id: int, message: str, refund_id: int | None = None) -> AfterSale | None:
    """``refunding → refund_failed`` with a message for the operator. A refund that succeeded in
    the meantime wins: only a still-refunding after-sale fails."""
    order, after_sale = lock_aftersale(after_sale_id)
    if after_sale.status != AfterSaleStatus.REFUNDING:
        return after_sale
    return aftersale_move(
        order,
        after_sale,
        to=AfterSaleStatus.REFUND_FAILED,
        event="after_sale_refund_failed",
        note=message,
        data={"refund_id": refund_id, "message": message},
    )


def aftersale_refund_apply(
    order: Order, after_sale: AfterSale, *, refund_id: int | None, succeeded_at: datetime | None = None
) -> None:
    """The after-sale's money is back with the buyer: book it on the lines and the order, and close
    an order that has nothing left. The caller holds the order lock, inside its transaction.
    Counters move with ``F()``; the database checks refunded ≤ paid on every line and the order."""
    now = timezone.now()
    lines = list(after_sale.lines.order_by("order_line_id"))
    for line in lines:
        OrderLine.objects.filter(pk=line.order_line_id).update(
            refunded_quantity=F("refunded_quantity") + line.quantity, refunded_fen=F("refunded_fen") + line.refund_fen
        )
    Order.objects.filter(pk=order.pk).update(refunded_fen=F("refunded_fen") + after_sale.refund_fen, updated_at=now)
    after_sale.refunded_at = succeeded_at or now
    goods_fen = sum(line.refund_fen for line in lines)
    aftersale_move(
        order,
        after_sale,
        to=AfterSaleStatus.REFUNDED,
        event="after_sale_refunded",
        note=f"已退款 {fen_to_yuan(after_sale.refund_fen)} 元",
        fields=("refunded_at",),
        data={
            "refund_id": refund_id,
            "amount_fen": after_sale.refund_fen,
            "shipping_fen": after_sale.refund_fen - goods_fen,
        },
    )
    for line in lines:
        publish_on_commit(
            "order_line_refunded",
            order_id=order.id,
            order_line_id=line.order_line_id,
            amount_fen=line.refund_fen,
            quantity=line.quantity,
            refund_id=refund_id,
        )
    order.refresh_from_db()
    if order.lines.filter(refunded_quantity__lt=F("quantity")).exists():
        # The refunded units may have been the last ones waiting to ship.
        from fenxiao.orders.shipping.shipments import order_shipping_settle

        order_shipping_settle(order=order)
        return
    if not can_transition(order, OrderStatus.CLOSED):
        logger.warning("order %s: every unit refunded but status %s cannot close", order.id, order.status)
        return
    order_transition(
        order,
        to=OrderStatus.CLOSED,
        event="closed",
        note="商品已全部退款，订单关闭",
        data={"after_sale_id": after_sale.id},
    )
    publish_on_commit("order_closed", order_id=order.id)


def _after_sale_refund_finished(refund: Refund, after_sale_id: int) -> None:
    order = lock_order(refund.order_id)
    after_sale = lock_order_aftersale(order=order, after_sale_id=after_sale_id)
    if after_sale is None:
        logger.error("refund %s names after-sale %s, which is not on order %s", refund.id, after_sale_id, order.id)
        return
    if refund.status == RefundStatus.SUCCEEDED:
        if after_sale.status == AfterSaleStatus.REFUNDED:
            # Already booked (the same refund told twice). A different refund succeeding for the
            # same after-sale would be money paid twice: payments must never let that happen.
            booked = order.events.filter(type="after_sale_refunded", data__after_sale_id=after_sale.id)
            if not booked.filter(data__refund_id=refund.id).exists():
                logger.error("after-sale %s refunded again by refund %s", after_sale.id, refund.id)
            return
        if after_sale.status not in (AfterSaleStatus.REFUNDING, AfterSaleStatus.REFUND_FAILED):
            logger.error(
                "refund %s succeeded for after-sale %s in status %s", refund.id, after_sale.id, after_sale.status
            )
            return
        if refund.amount_fen != after_sale.refund_fen:
            raise OrderError("REFUND_AMOUNT_MISMATCH", "退款金额与售后单金额不一致")
        aftersale_refund_apply(order, after_sale, refund_id=refund.id, succeeded_at=refund.succeeded_at)
        return
    if after_sale.status != AfterSaleStatus.REFUNDING:
        return  # already failed (told twice), or a later attempt already succeeded
    latest = Refund.objects.filter(purpose=refund.purpose).order_by("-id").values_list("pk", flat=True).first()
    if latest is not None and latest != refund.id:
        return  # an older attempt closing late says nothing about the one in flight
    aftersale_refund_fail(
        after_sale_id=after_sale.id, message=FAILURE_MESSAGES.get(refund.status, SUBMIT_FAILED), refund_id=refund.id
    )


# ---------------------------------------------------------------------------------------------
# money the order refused (payments refunds it on its own; the order's trail says how it went)


def _refused_payment_refund_finished(refund: Refund) -> None:
    order = lock_order(refund.order_id)
    kind = "payment_returned" if refund.status == RefundStatus.SUCCEEDED else "payment_return_failed"
    if order.events.filter(type=kind, data__refund_id=refund.id).exists():
        return  # told twice
    if kind == "payment_returned":
        note = f"未入账的款项 {fen_to_yuan(refund.amount_fen)} 元已全额原路退回"
    else:
        note = FAILURE_MESSAGES.get(refund.status, SUBMIT_FAILED)
    order_event_add(order, type=kind, note=note, data={"refund_id": refund.id, "amount_fen": refund.amount_fen})


# ---------------------------------------------------------------------------------------------
# a held order voided because its promotion failed


def order_void_refund(*, order_id: int, reason: str) -> Refund | None:
    """Ask for the whole payment of a paid, held, unshipped order back (a group-buy that failed).
    Call it after your own transaction committed: it calls WeChat. Payments keeps one refund per
    purpose, so the promotion's sweep may ask again and again and the buyer is paid back once.
    Returns the refund, or None when the order is not (or no longer) voidable."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.status != OrderStatus.PAID or not order.fulfilment_hold:
        return None
    amount = order.paid_fen - order.refunded_fen
    if amount <= 0:
        return None
    refund = _refund_create(order_id=order.id, amount_fen=amount, reason=reason, purpose=void_purpose(order.id))
    if refund.status == RefundStatus.SUCCEEDED:
        refund_finished_for_order(refund=refund)  # final already (a repeat ask): booking it again is a no-op
    return refund


def _void_refund_finished(refund: Refund, order_id: int) -> None:
    order = lock_order(order_id)
    if refund.status != RefundStatus.SUCCEEDED:
        if not order.events.filter(type="void_refund_failed", data__refund_id=refund.id).exists():
            order_event_add(
                order,
                type="void_refund_failed",
                note=FAILURE_MESSAGES.get(refund.status, SUBMIT_FAILED),
                data={"refund_id": refund.id},
            )
        return
    if order.status == OrderStatus.CLOSED and order.refunded_fen >= order.paid_fen:
        return  # already booked (the same refund told twice)
    if order.status != OrderStatus.PAID:
        logger.error("void refund %s succeeded for order %s in status %s", refund.id, order.id, order.status)
        return
    if refund.amount_fen != order.paid_fen - order.refunded_fen:
        raise OrderError("REFUND_AMOUNT_MISMATCH", "退款金额与订单实付金额不一致")
    lines = [line for line in order.lines.order_by("id") if line.refunded_quantity < line.quantity]
    for line in lines:
        OrderLine.objects.filter(pk=line.pk).update(refunded_quantity=F("quantity"), refunded_fen=F("paid_fen"))
        stock_restock(
            sku_id=line.sku_id, quantity=line.quantity - line.refunded_quantity, note=f"订单 {order.order_no} 作废退款"
        )
    order.refunded_fen = order.paid_fen
    order.fulfilment_hold = OrderHold.NONE
    order_transition(
        order,
        to=OrderStatus.CLOSED,
        event="voided",
        note=f"{refund.reason or '订单作废'}，已全额退款 {fen_to_yuan(refund.amount_fen)} 元",
        extra_fields=("refunded_fen", "fulfilment_hold"),
        data={"refund_id": refund.id, "amount_fen": refund.amount_fen},
    )
    for line in lines:
        publish_on_commit(
            "order_line_refunded",
            order_id=order.id,
            order_line_id=line.pk,
            amount_fen=line.paid_fen - line.refunded_fen,
            quantity=line.quantity - line.refunded_quantity,
            refund_id=refund.id,
        )
    publish_on_commit("order_closed", order_id=order.id)


# ---------------------------------------------------------------------------------------------
# payments' handler and the sweep


def _target(purpose: str) -> tuple[str, int] | None:
    kind, _, ident = purpose.partition(":")
    if kind in {"after_sale", "refused_payment", "void"} and ident.isdigit():
        return kind, int(ident)
    return None


@transaction.atomic
def refund_finished_for_order(*, refund: Refund) -> None:
    """Payments' handler for a refund that reached a final state (succeeded, abnormal, closed),
    called inside its transaction. Refunds of other purposes are not orders' business."""
    target = _target(refund.purpose)
    if target is None:
        logger.info("refund %s: purpose %r is not an order refund", refund.id, refund.purpose)
        return
    kind, ident = target
    if kind == "after_sale":
        _after_sale_refund_finished(refund, ident)
    elif kind == "void":
        _void_refund_finished(refund, ident)
    else:
        _refused_payment_refund_finished(refund)


def _purpose_of(prefix: str) -> Concat:
    return Concat(Value(prefix), Cast(OuterRef("pk"), output_field=CharField()), output_field=CharField())


def sweep_stuck_refunds(*, now: datetime) -> int:
    """Ask again for after-sale refunds that were owed but never asked for: an after-sale in
    ``refunding`` with no refund at payments, older than ``REFUND_SWEEP_GRACE``. Returns how many
    were asked. Running it twice asks nothing new: once a refund exists, payments owns it (and its
    notification finishes the after-sale)."""
    cutoff = now - REFUND_SWEEP_GRACE
    asked = 0
    stuck = (
        AfterSale.objects.filter(status=AfterSaleStatus.REFUNDING, refund_fen__gt=0, updated_at__lt=cutoff)
        .annotate(has_refund=Exists(Refund.objects.filter(purpose=_purpose_of("after_sale:"))))
        .filter(has_refund=False)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for after_sale_id in stuck:
        aftersale_refund_submit(after_sale_id=after_sale_id)
        asked += 1
    return asked
