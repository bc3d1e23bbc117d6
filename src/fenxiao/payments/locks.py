"""Every row lock payments takes, in one place. Lock order: the order first, through orders' port
(``OrderPort.lock``: the order's lock is the order's), then the payment, then its refunds. Money
arriving, a refund finishing and a refund being recorded all take them in this order, so none
waits on another holding the same rows the other way round."""

from __future__ import annotations

from fenxiao.payments.hooks import order_port
from fenxiao.payments.models import Payment, PaymentStatus


def lock_order_row(order_id: int) -> None:
    """The order behind a payment, first (payments never touches the row itself)."""
    order_port.one().lock(order_id)


def lock_payment(payment_id: int) -> Payment | None:
    return Payment.objects.select_for_update().filter(pk=payment_id).first()


def lock_succeeded_payment(order_id: int) -> Payment | None:
    """The order's successful payment (there is at most one), the one refunds draw on."""
    return Payment.objects.select_for_update().filter(order_id=order_id, status=PaymentStatus.SUCCEEDED).first()
