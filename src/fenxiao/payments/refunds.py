"""Refunds through WeChat: record the refund with a fixed out_refund_no, send it with no row
locked, and follow it to its final state (answer, notification or query).

``out_refund_no`` is fixed when the row is made, so sending it again after a timeout can never
refund twice: WeChat answers a repeated out_refund_no with the refund it already has. A refund
WeChat did not accept stays ``created`` with the error noted, and ``refund_submit_pending`` sends
it again later. ``purpose`` is the caller's name for what the refund is for ("after_sale:12");
asking again for the same purpose returns the same refund instead of refunding twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from fenxiao.core.money import fen_to_yuan
from fenxiao.integrations.wechat.pay.errors import NOT_FOUND, WechatPayError
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.types import RefundState
from fenxiao.payments.claims import FINAL_REFUND_STATUS, REFUSED_SUFFIX, refund_claim_final
from fenxiao.payments.errors import (
    order_not_found,
    refund_amount_invalid,
    refund_exceeds_paid,
    refund_not_allowed,
    refund_not_found,
    refund_purpose_conflict,
)
from fenxiao.payments.hooks import order_port
from fenxiao.payments.locks import lock_order_row, lock_payment, lock_succeeded_payment
from fenxiao.payments.matching import refund_mismatch
from fenxiao.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from fenxiao.payments.selectors import (
    REFUND_QUERY_INTERVAL,
    RESUBMIT_AFTER,
    refundable_fen,
    refunds_awaiting_result,
    refunds_awaiting_submission,
)

logger = logging.getLogger(__name__)


def out_refund_no_for(*, order_no: str, seq: int) -> str:
    return f"R{order_no}-{seq}"[:64]


@transaction.atomic
def _refund_record(*, order_id: int, amount_fen: int, reason: str, purpose: str) -> Refund:
    if amount_fen < 1:
        raise refund_amount_invalid()
    lock_order_row(order_id)
    order = order_port.one().get(order_id)
    if order is None:
        raise order_not_found()
    order_no = order.order_no
    payment = lock_succeeded_payment(order_id)
    if payment is None:
        raise refund_not_allowed()
    existing = Refund.objects.filter(order_id=order_id, purpose=purpose).exclude(status=RefundStatus.CLOSED).first()
    if existing is not None:
        if existing.amount_fen != amount_fen:
            raise refund_purpose_conflict()
        return existing
    left = refundable_fen(payment=payment)
    if amount_fen > left:
        raise refund_exceeds_paid(fen_to_yuan(left))
    seq = Refund.objects.filter(order_id=order_id).count() + 1
    return Refund.objects.create(
        payment=payment,
        order_id=order_id,
        out_refund_no=out_refund_no_for(order_no=order_no, seq=seq),
        amount_fen=amount_fen,
        reason=reason[:80],
        purpose=purpose[:64],
    )


def refund_create(*, order_id: int, amount_fen: int, reason: str, purpose: str) -> Refund:
    """Refund part or all of an order's successful payment. Call it outside any transaction of
    your own: it calls WeChat. Returns the Refund: ``processing`` when WeChat accepted it,
    final when WeChat already finished it, ``created`` when WeChat could not be reached (it will be
    sent again). ``refund_finished`` is called once it is final."""
    refund = _refund_record(order_id=order_id, amount_fen=amount_fen, reason=reason, purpose=purpose)
    if refund.status == RefundStatus.CREATED:
        return refund_submit(refund_id=refund.pk)
    return refund


def _apply(refund: Refund, state: RefundState, *, source: str) -> None:
    problem = refund_mismatch(
        state=state,
        out_refund_no=refund.out_refund_no,
        out_trade_no=refund.payment.out_trade_no,
        amount_fen=refund.amount_fen,
        mchid=None,
    )
    if problem:
        logger.error("wechatpay: %s of refund %s does not match (%s)", source, refund.out_refund_no, problem)
        Refund.objects.filter(pk=refund.pk).update(error=f"微信退款结果不匹配：{problem}")
        return
    if state.status in FINAL_REFUND_STATUS:
        refund_claim_final(refund_id=refund.pk, state=state)
        return
    changes: dict[str, Any] = {"channel_status": state.status[:16], "error": "", "updated_at": timezone.now()}
    if state.status == "PROCESSING":
        changes["status"] = RefundStatus.PROCESSING
    if state.refund_id:
        changes["refund_id"] = state.refund_id
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.CREATED).update(**changes)


def _get(refund_id: int) -> Refund:
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None:
        raise refund_not_found()
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Send a ``created`` refund to WeChat (again), with its fixed out_refund_no."""
    refund = _get(refund_id)
    if refund.status != RefundStatus.CREATED:
        return refund
    Refund.objects.filter(pk=refund_id).update(submitted_at=timezone.now())
    try:
        state = pay_gateway().create_refund(
            out_trade_no=refund.payment.out_trade_no,
            out_refund_no=refund.out_refund_no,
            reason=refund.reason,
            refund_fen=refund.amount_fen,
            total_fen=refund.payment.amount_fen,
        )
    except WechatPayError as exc:
        logger.warning("wechatpay: refund %s not accepted: %s", refund.out_refund_no, exc.describe())
        Refund.objects.filter(pk=refund_id, status=RefundStatus.CREATED).update(error=exc.describe())
    else:
        _apply(refund, state, source="answer")
    refund.refresh_from_db()
    return refund


def refund_sync(*, refund_id: int) -> Refund:
    """Ask WeChat how a refund stands and apply the answer."""
    refund = _get(refund_id)
    if refund.status not in (RefundStatus.CREATED, RefundStatus.PROCESSING):
        return refund
    Refund.objects.filter(pk=refund_id).update(last_queried_at=timezone.now())
    try:
        state = pay_gateway().query_refund(refund.out_refund_no)
    except WechatPayError as exc:
        if exc.code != NOT_FOUND:
            raise
        # Never reached WeChat: a created refund is resubmitted by the sweep; a processing one
        # that WeChat does not know is a contradiction for a person to look at.
        if refund.status == RefundStatus.PROCESSING:
            logger.error("wechatpay: refund %s is processing here but unknown to WeChat", refund.out_refund_no)
            Refund.objects.filter(pk=refund_id).update(error="微信支付查无此退款")
    else:
        _apply(refund, state, source="query")
    refund.refresh_from_db()
    return refund


def _take_turn(refund_id: int, *, status: str, field: str, now: datetime, interval: timedelta) -> bool:
    due = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now - interval})
    return bool(Refund.objects.filter(due, pk=refund_id, status=status).update(**{field: now}))


def refund_submit_pending(*, now: datetime) -> int:
    """Send again every refund WeChat has not accepted yet; returns how many it now has."""
    accepted = 0
    for refund_id in refunds_awaiting_submission(now=now, mode=pay_gateway().mode):
        if not _take_turn(
            refund_id, status=RefundStatus.CREATED, field="submitted_at", now=now, interval=RESUBMIT_AFTER
        ):
            continue
        accepted += refund_submit(refund_id=refund_id).status != RefundStatus.CREATED
    return accepted


def sweep_processing_refunds(*, now: datetime) -> int:
    """Query refunds whose result notification has not come; returns how many are now final."""
    finished = 0
    for refund_id in refunds_awaiting_result(now=now, mode=pay_gateway().mode):
        if not _take_turn(
            refund_id, status=RefundStatus.PROCESSING, field="last_queried_at", now=now, interval=REFUND_QUERY_INTERVAL
        ):
            continue
        try:
            refund = refund_sync(refund_id=refund_id)
        except WechatPayError as exc:
            logger.warning("wechatpay sweep: query of refund %s failed: %s", refund_id, exc.describe())
            continue
        finished += refund.status not in (RefundStatus.CREATED, RefundStatus.PROCESSING)
    return finished


def refused_payment_purpose(payment_id: int) -> str:
    return f"refused_payment:{payment_id}"


@transaction.atomic
def _refused_refund_record(*, payment_id: int) -> Refund | None:
    """The full refund of money its order refused: one per payment (a closed one is replaced, with
    the next out_refund_no), whatever the sweep's timing."""
    order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).first()
    if order_id is None:
        return None
    lock_order_row(order_id)
    payment = lock_payment(payment_id)
    if payment is None or payment.status != PaymentStatus.REFUSED:
        return None
    purpose = refused_payment_purpose(payment.pk)
    existing = Refund.objects.filter(payment=payment, purpose=purpose).exclude(status=RefundStatus.CLOSED).first()
    if existing is not None:
        return existing
    left = refundable_fen(payment=payment)
    if left <= 0:
        return None
    order = order_port.one().get(order_id)
    order_no = order.order_no if order is not None else str(order_id)
    seq = Refund.objects.filter(order_id=order_id).count() + 1
    return Refund.objects.create(
        payment=payment,
        order_id=order_id,
        out_refund_no=out_refund_no_for(order_no=order_no, seq=seq),
        amount_fen=left,
        reason=(payment.anomaly.removesuffix(REFUSED_SUFFIX) or "订单未收款")[:80],
        purpose=purpose,
    )


def refund_refused_payment(*, payment_id: int) -> Refund | None:
    """Give back money its order refused (``claims.payment_claim_success``). The order is not
    touched. Calls WeChat; no lock held. Asking again returns the same refund."""
    refund = _refused_refund_record(payment_id=payment_id)
    if refund is not None and refund.status == RefundStatus.CREATED:
        return refund_submit(refund_id=refund.pk)
    return refund


def payments_refused_without_refund() -> list[int]:
    live = Refund.objects.filter(payment=OuterRef("pk"), purpose__startswith="refused_payment:").exclude(
        status=RefundStatus.CLOSED
    )
    return list(
        Payment.objects.filter(status=PaymentStatus.REFUSED)
        .annotate(refunded=Exists(live))
        .filter(refunded=False)
        .order_by("id")
        .values_list("pk", flat=True)[:100]
    )


def sweep_refused_payments(*, now: datetime) -> int:
    """Refund every refused payment that has no live refund yet; returns how many were asked.
    The claim runs inside WeChat's notification, which must be answered within seconds, so the
    refund (a call to WeChat) is this sweep's job, at most a minute later."""
    asked = 0
    for payment_id in payments_refused_without_refund():
        try:
            refund = refund_refused_payment(payment_id=payment_id)
        except Exception:  # the next round asks again; one failing payment never blocks the rest
            logger.exception("refused payment %s: refund failed", payment_id)
            continue
        asked += refund is not None
    return asked
