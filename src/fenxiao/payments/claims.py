"""The one way a payment becomes succeeded (or refused) and a refund becomes final, whoever found
out (notification, query, close answered ORDERPAID, the sandbox).

The claim is a conditional UPDATE that records WeChat's transaction on the payment: only the caller
that records it asks orders what the money means, so a notification delivered twice, or twenty
times at once, pays once. The order row is locked first to keep the documented lock order
(order → payment → ...), and orders decides under that lock, with its one rule
(``orders.payment_acceptance``), whether the order still wants the money.

Money the order does not want (it was cancelled, another transaction paid it, the amount differs)
is ``refused``: the order and everything the cancel gave back (stock, coupon, seckill unit, group
seat) stay as they are, and ``sweep_refused_payments`` refunds it in full, once. A handler that
fails in an unexpected way with a DomainError refuses the money the same way: its work is rolled
back to a savepoint and the buyer gets the money back. Any other exception rolls everything back so
the next delivery or sweep tries again."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.core.observability import metrics
from fenxiao.integrations.wechat.pay.types import RefundState
from fenxiao.payments.hooks import PaymentRefusal, order_port
from fenxiao.payments.locks import lock_order_row
from fenxiao.payments.models import Payment, PaymentStatus, Refund, RefundStatus

logger = logging.getLogger(__name__)

FINAL_REFUND_STATUS = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "ABNORMAL": RefundStatus.ABNORMAL,
    "CLOSED": RefundStatus.CLOSED,
}

REFUSED_SUFFIX = "，自动全额退款"


class PaymentOutcome(StrEnum):
    PAID = "paid"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


def _offer(payment: Payment) -> PaymentRefusal | None:
    """Ask orders whether it takes the money; its work is kept only if it does."""
    try:
        with transaction.atomic():
            refusal = order_port.one().payment_received(payment)
            if refusal is None:
                Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.SUCCEEDED)
            return refusal
    except DomainError as exc:
        logger.error("wechatpay: order %s failed on payment %s: %s", payment.order_id, payment.out_trade_no, exc.code)
        return PaymentRefusal(exc.code, exc.message)
    except IntegrityError:
        # The database's one-success-per-order constraint: another payment already paid it.
        logger.error("wechatpay: order %s already has a successful payment", payment.order_id)
        return PaymentRefusal("ORDER_ALREADY_PAID", "订单已由另一笔支付付款")


def payment_claim_success(*, payment_id: int, transaction_id: str, paid_at: datetime | None) -> PaymentOutcome:
    """Record WeChat's successful transaction on the payment and let the order take it or refuse
    it, exactly once."""
    with transaction.atomic():
        order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise Payment.DoesNotExist(payment_id)
        lock_order_row(order_id)
        now = timezone.now()
        claimed = Payment.objects.filter(
            pk=payment_id,
            status__in=[PaymentStatus.CREATED, PaymentStatus.CLOSED],
            transaction_id__isnull=True,
        ).update(transaction_id=transaction_id, trade_state="SUCCESS", paid_at=paid_at or now, updated_at=now)
        if not claimed:
            return PaymentOutcome.DUPLICATE
        payment = Payment.objects.get(pk=payment_id)
        refusal = _offer(payment)
        if refusal is None:
            metrics.payment_succeeded()
            return PaymentOutcome.PAID
        logger.warning(
            "wechatpay: order %s refused payment %s (%s): refunding in full",
            order_id,
            payment.out_trade_no,
            refusal.code,
        )
        Payment.objects.filter(pk=payment_id).update(
            status=PaymentStatus.REFUSED, anomaly=f"{refusal.message}{REFUSED_SUFFIX}"[:200], updated_at=now
        )
        return PaymentOutcome.REFUSED


def refund_claim_final(*, refund_id: int, state: RefundState) -> bool:
    """Move an open refund to its final state and tell the caller's handler, exactly once.
    Accepts ``created`` as well as ``processing``: the notification can beat our own record of
    WeChat's "accepted" answer."""
    status = FINAL_REFUND_STATUS[state.status]
    with transaction.atomic():
        order_id = Refund.objects.filter(pk=refund_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise Refund.DoesNotExist(refund_id)
        lock_order_row(order_id)
        now = timezone.now()
        changes = {
            "status": status,
            "channel_status": state.status,
            "user_received_account": state.user_received_account[:64],
            "error": "",
            "updated_at": now,
        }
        if state.refund_id:
            changes["refund_id"] = Coalesce("refund_id", Value(state.refund_id))
        if status == RefundStatus.SUCCEEDED:
            changes["succeeded_at"] = state.success_time or now
        claimed = Refund.objects.filter(
            pk=refund_id, status__in=[RefundStatus.CREATED, RefundStatus.PROCESSING]
        ).update(**changes)
        if not claimed:
            return False
        refund = Refund.objects.get(pk=refund_id)
        if status == RefundStatus.SUCCEEDED:
            metrics.refund_succeeded(amount_fen=refund.amount_fen)
        try:
            with transaction.atomic():
                order_port.one().refund_finished(refund)
        except DomainError as exc:
            logger.error(
                "wechatpay: handler refused refund %s (%s): %s %s",
                refund.out_refund_no,
                refund.purpose,
                exc.code,
                exc.message,
            )
            Refund.objects.filter(pk=refund_id).update(error=f"业务处理失败：{exc.code} {exc.message}"[:200])
        return True
