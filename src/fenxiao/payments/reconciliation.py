"""Finding out from WeChat what its notifications did not tell us: query a payment whose
notification never came, close one whose deadline passed, and the two sweeps that do this in
batches.

Both sweeps are safe to run repeatedly and from several workers at once: a worker takes its turn
on a payment with a conditional UPDATE of ``last_queried_at`` (only one wins within a minute),
every state change goes through a conditional UPDATE, and success always goes through the one
claim in ``claims.py``. No row lock is held while WeChat is called."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from fenxiao.integrations.wechat.pay.errors import NOT_FOUND, ORDERPAID, WechatPayError
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.types import Transaction
from fenxiao.payments.claims import payment_claim_success
from fenxiao.payments.errors import payment_not_found
from fenxiao.payments.matching import payment_mismatch
from fenxiao.payments.models import Payment, PaymentStatus
from fenxiao.payments.selectors import QUERY_INTERVAL, payments_awaiting_confirmation, payments_expired

logger = logging.getLogger(__name__)
CLOSED_TRADE_STATES = frozenset({"CLOSED", "REVOKED"})


def _get(payment_id: int) -> Payment:
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise payment_not_found()
    return payment


def _mark_closed(payment_id: int, trade_state: str) -> None:
    now = timezone.now()
    Payment.objects.filter(pk=payment_id, status=PaymentStatus.CREATED).update(
        status=PaymentStatus.CLOSED, trade_state=trade_state, closed_at=now, updated_at=now
    )


def _apply(payment: Payment, tx: Transaction) -> None:
    gateway = pay_gateway()
    if tx.trade_state == "SUCCESS":
        problem = payment_mismatch(
            tx=tx,
            payment=payment,
            mchid=gateway.mchid,
            appid=gateway.appid,
        )
        if problem:
            logger.error(
                "wechatpay: query of %s answered SUCCESS that does not match (%s); not paying",
                payment.out_trade_no,
                problem,
            )
            Payment.objects.filter(pk=payment.pk).update(anomaly=f"微信查询结果不匹配：{problem}")
            return
        payment_claim_success(payment_id=payment.pk, transaction_id=tx.transaction_id, paid_at=tx.success_time)
    elif tx.trade_state in CLOSED_TRADE_STATES:
        _mark_closed(payment.pk, tx.trade_state)
    else:
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(trade_state=tx.trade_state[:16])


def payment_sync(*, payment_id: int) -> Payment:
    """Ask WeChat how a payment stands and apply the answer (paid → the same claim a
    notification makes). A payment WeChat has never heard of stays open."""
    payment = _get(payment_id)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    Payment.objects.filter(pk=payment_id).update(last_queried_at=timezone.now())
    try:
        tx = pay_gateway().query_transaction(payment.out_trade_no)
    except WechatPayError as exc:
        if exc.code != NOT_FOUND:
            raise
        Payment.objects.filter(pk=payment_id, status=PaymentStatus.CREATED).update(trade_state="NOTEXIST")
    else:
        _apply(payment, tx)
    payment.refresh_from_db()
    return payment


def payment_close(*, payment_id: int) -> Payment:
    """Close a payment at WeChat, then here, so it can no longer be paid. If WeChat says it was
    paid after all, the payment succeeds instead."""
    payment = _get(payment_id)
    if payment.status != PaymentStatus.CREATED:
        return payment
    try:
        pay_gateway().close_transaction(payment.out_trade_no)
    except WechatPayError as exc:
        if exc.code == ORDERPAID:
            return payment_sync(payment_id=payment_id)
        if exc.code != NOT_FOUND:  # never reached WeChat: nothing there to pay, safe to close here
            raise
    _mark_closed(payment_id, "CLOSED")
    payment.refresh_from_db()
    return payment


def _take_turn(payment_id: int, now: datetime) -> bool:
    """Only one sweeper per payment per minute gets to call WeChat about it."""
    due = Q(last_queried_at__isnull=True) | Q(last_queried_at__lte=now - QUERY_INTERVAL)
    return bool(Payment.objects.filter(due, pk=payment_id, status=PaymentStatus.CREATED).update(last_queried_at=now))


def sweep_unconfirmed_payments(*, now: datetime) -> int:
    """Query open payments whose notification has not arrived; returns how many turned out paid."""
    paid = 0
    for payment_id in payments_awaiting_confirmation(now=now, mode=pay_gateway().mode):
        if not _take_turn(payment_id, now):
            continue
        try:
            payment = payment_sync(payment_id=payment_id)
        except WechatPayError as exc:
            logger.warning("wechatpay sweep: query of payment %s failed: %s", payment_id, exc.describe())
            continue
        paid += payment.status == PaymentStatus.SUCCEEDED
    return paid


def sweep_expired_payments(*, now: datetime) -> int:
    """Close open payments past their deadline; returns how many were settled (closed, or found
    paid). Run it before the sweep that cancels unpaid orders, so a last-second payment is seen."""
    settled = 0
    for payment_id in payments_expired(now=now, mode=pay_gateway().mode):
        if not _take_turn(payment_id, now):
            continue
        try:
            payment = payment_close(payment_id=payment_id)
        except WechatPayError as exc:
            logger.warning("wechatpay sweep: close of payment %s failed: %s", payment_id, exc.describe())
            continue
        settled += payment.status != PaymentStatus.CREATED
    return settled
