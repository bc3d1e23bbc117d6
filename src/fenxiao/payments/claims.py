"""The one way a payment becomes succeeded and a refund becomes final, whoever found out
(notification, query, close answered ORDERPAID).

The claim is a conditional UPDATE: only the caller that moves the row out of its open state runs
the hook, so a notification delivered twice, or twenty times at once, pays once. The order row is
locked first to keep the documented lock order (order → payment → ...), since the orders handler
locks it too.

A hook that refuses with a DomainError (the order's amount changed, the order cannot be paid any
more) does not undo the claim: the money has moved and retrying will not change the answer. The
hook's work is rolled back to a savepoint, the row is flagged, and an operator decides. Any other
exception rolls everything back so the next delivery or sweep tries again."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.integrations.wechat.pay_gateway import RefundState
from fenxiao.payments import hooks
from fenxiao.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from fenxiao.payments.selectors import order_model

logger = logging.getLogger(__name__)

FINAL_REFUND_STATUS = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "ABNORMAL": RefundStatus.ABNORMAL,
    "CLOSED": RefundStatus.CLOSED,
}


DOUBLE_PAYMENT_ANOMALY = "订单已有成功支付，本笔为重复支付"


class PaymentOutcome(StrEnum):
    PAID = "paid"
    DUPLICATE = "duplicate"
    ORDER_REFUSED = "order_refused"
    DOUBLE_PAYMENT = "double_payment"


def lock_order_row(order_id: int) -> None:
    list(order_model().objects.select_for_update().filter(pk=order_id).values_list("pk", flat=True))


def payment_claim_success(*, payment_id: int, transaction_id: str, paid_at: datetime | None) -> PaymentOutcome:
    """Mark the payment succeeded with WeChat's transaction id and tell orders, exactly once."""
    with transaction.atomic():
        order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise Payment.DoesNotExist(payment_id)
        lock_order_row(order_id)
        now = timezone.now()
        try:
            with transaction.atomic():
                claimed = Payment.objects.filter(
                    pk=payment_id,
                    status__in=[PaymentStatus.CREATED, PaymentStatus.CLOSED],
                    transaction_id__isnull=True,
                ).update(
                    status=PaymentStatus.SUCCEEDED,
                    transaction_id=transaction_id,
                    trade_state="SUCCESS",
                    paid_at=paid_at or now,
                    updated_at=now,
                )
        except IntegrityError:
            # Another payment of this order already succeeded: this money must go back by hand.
            logger.error(
                "wechatpay: payment %s paid (%s) but its order already has a successful payment",
                payment_id,
                transaction_id,
            )
            # Recording the transaction id makes later deliveries of it duplicates, and the
            # duplicate-payment sweep gives the money back (payments.refunds).
            Payment.objects.filter(pk=payment_id, transaction_id__isnull=True).update(
                trade_state="SUCCESS",
                transaction_id=transaction_id,
                paid_at=paid_at or now,
                anomaly=f"{DOUBLE_PAYMENT_ANOMALY}（{transaction_id}），自动全额退款"[:200],
            )
            return PaymentOutcome.DOUBLE_PAYMENT
        if not claimed:
            return PaymentOutcome.DUPLICATE
        payment = Payment.objects.get(pk=payment_id)
        try:
            with transaction.atomic():
                hooks.payment_succeeded(payment)
        except DomainError as exc:
            logger.error(
                "wechatpay: order %s refused payment %s: %s %s", order_id, payment.out_trade_no, exc.code, exc.message
            )
            Payment.objects.filter(pk=payment_id).update(anomaly=f"订单拒绝入账：{exc.code} {exc.message}"[:200])
            return PaymentOutcome.ORDER_REFUSED
        return PaymentOutcome.PAID


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
        try:
            with transaction.atomic():
                hooks.refund_finished(refund)
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
