"""Orders' answers to payments: a payment succeeded, a refund finished."""

from __future__ import annotations

from fenxiao.payments import hooks


def _payment_succeeded(payment) -> None:
    from fenxiao.orders.services import order_mark_paid

    order_mark_paid(order_id=payment.order_id, payment=payment)


def _refund_finished(refund) -> None:
    from fenxiao.orders.refunds import refund_finished_for_order

    refund_finished_for_order(refund=refund)


def register() -> None:
    hooks.register(payment_succeeded=_payment_succeeded, refund_finished=_refund_finished)
