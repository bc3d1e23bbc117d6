"""Preparing a WeChat payment for an order: one open Payment per order with a stable
out_trade_no, a prepay_id reused while WeChat still honours it, and the signed parameters for
``wx.requestPayment``.

The Payment row is made in a short transaction; WeChat is called after it commits, with no row
locked; the prepay_id is stored by a conditional update afterwards. Two taps on "pay" at once end
up on the same out_trade_no, and WeChat will only ever let one of them be paid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenxiao.core.errors import Conflict
from fenxiao.integrations.wechat.pay.errors import ORDERPAID, WechatPayError
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.payments.errors import openid_required, order_not_found, order_not_payable
from fenxiao.payments.hooks import order_port
from fenxiao.payments.models import Payment, PaymentStatus
from fenxiao.payments.reconciliation import payment_close, payment_sync

# WeChat keeps a prepay_id for two hours; stop handing it out a little before.
PREPAY_LIFETIME = timedelta(hours=2) - timedelta(minutes=5)
OUT_TRADE_NO = re.compile(r"^[0-9A-Za-z_\-|*]{6,32}$")


@dataclass(frozen=True)
class PaymentRequest:
    """What the mini-program needs: our payment number and the ``wx.requestPayment`` params."""

    payment: Payment
    params: dict[str, str]


def out_trade_no_for(*, order_no: str, seq: int) -> str:
    """The order number itself for an order's first payment, so support finds it in WeChat's
    merchant platform by the number the buyer quotes; later payments (after a close) add ``P<n>``."""
    if seq == 1 and OUT_TRADE_NO.fullmatch(order_no):
        return order_no
    clean = re.sub(r"[^0-9A-Za-z]", "", order_no)
    suffix = f"P{seq}"
    return (clean[: 32 - len(suffix)] + suffix).rjust(6, "0")


def payment_description(order_no: str) -> str:
    return f"分销商城订单 {order_no}"[:127]


@dataclass(frozen=True)
class _Terms:
    amount_fen: int
    payer_openid: str
    description: str
    expires_at: datetime

    def match(self, payment: Payment) -> bool:
        return (payment.amount_fen, payment.payer_openid, payment.description) == (
            self.amount_fen,
            self.payer_openid,
            self.description,
        )


@transaction.atomic
def _open_payment(*, order_id: int, payer_openid: str, description: str, mode: str) -> tuple[Payment, bool]:
    """The order's open Payment (created now if there is none) and whether it still matches the
    order; a stale one must be closed at WeChat before a new one can be made."""
    order = order_port.one().get(order_id)
    if order is None:
        raise order_not_found()
    if not order.payable:
        raise order_not_payable()
    if Payment.objects.filter(order_id=order_id, status=PaymentStatus.SUCCEEDED).exists():
        raise order_not_payable("订单已支付")
    if order.deadline <= timezone.now():
        raise order_not_payable("订单已超过支付时限")
    if order.payable_fen < 1:
        raise order_not_payable("订单无需支付")
    terms = _Terms(order.payable_fen, payer_openid, description[:127], order.deadline)

    payment = Payment.objects.filter(order_id=order_id, status=PaymentStatus.CREATED).first()
    if payment is not None:
        return payment, not terms.match(payment)
    seq = Payment.objects.filter(order_id=order_id).count() + 1
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order_id=order_id,
                out_trade_no=out_trade_no_for(order_no=order.order_no, seq=seq),
                amount_fen=terms.amount_fen,
                description=terms.description,
                payer_openid=terms.payer_openid,
                mode=mode,
                expires_at=terms.expires_at,
            )
    except IntegrityError:
        # Another request made the order's open payment at the same moment: use theirs.
        payment = Payment.objects.filter(order_id=order_id, status=PaymentStatus.CREATED).first()
        if payment is None:
            raise Conflict("PAYMENT_BUSY", "支付处理中，请稍后再试") from None
    return payment, not terms.match(payment)


def payment_prepare(*, order_id: int, payer_openid: str, description: str) -> PaymentRequest:
    """Open (or reuse) the order's payment and return signed ``wx.requestPayment`` params.

    Amount is ``order.payable_fen`` and WeChat's ``time_expire`` the order's payment deadline,
    both asked of orders again now (``OrderPort.get``), never taken from the caller."""
    if not payer_openid:
        raise openid_required()
    gateway = pay_gateway()
    for _attempt in range(2):
        payment, stale = _open_payment(
            order_id=order_id, payer_openid=payer_openid, description=description, mode=gateway.mode
        )
        if not stale:
            break
        # The order changed since this payment was prepared (amount, payer): WeChat refuses to
        # reuse an out_trade_no with other terms, so close it there and start a new one.
        closed = payment_close(payment_id=payment.pk)
        if closed.status == PaymentStatus.SUCCEEDED:
            raise order_not_payable("订单已支付")
    else:
        raise Conflict("PAYMENT_BUSY", "支付处理中，请稍后再试")

    now = timezone.now()
    if payment.prepay_id and payment.prepay_expires_at and payment.prepay_expires_at > now:
        return PaymentRequest(payment=payment, params=gateway.jsapi_params(payment.prepay_id))
    try:
        prepay_id = gateway.prepay_jsapi(
            out_trade_no=payment.out_trade_no,
            description=payment.description,
            amount_fen=payment.amount_fen,
            payer_openid=payment.payer_openid,
            time_expire=payment.expires_at,
        )
    except WechatPayError as exc:
        if exc.code == ORDERPAID:
            payment_sync(payment_id=payment.pk)
            raise order_not_payable("订单已支付") from exc
        raise
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(
        prepay_id=prepay_id, prepay_expires_at=now + PREPAY_LIFETIME, updated_at=timezone.now()
    )
    payment.refresh_from_db()
    if payment.status != PaymentStatus.CREATED:
        raise order_not_payable("订单已支付" if payment.status == PaymentStatus.SUCCEEDED else "支付已关闭")
    return PaymentRequest(payment=payment, params=gateway.jsapi_params(prepay_id))
