"""Orders' answers to payments: money arrived (take it or refuse it), a refund finished."""

from __future__ import annotations

from fenxiao.payments import hooks
from fenxiao.payments.hooks import PaymentRefusal


def _payment_received(payment) -> PaymentRefusal | None:
    from fenxiao.orders.services import order_payment_receive

    return order_payment_receive(order_id=payment.order_id, payment=payment)


def _refund_finished(refund) -> None:
    from fenxiao.orders.aftersales.refunds import refund_finished_for_order

    refund_finished_for_order(refund=refund)


def register() -> None:
    hooks.register(payment_received=_payment_received, refund_finished=_refund_finished)
