"""What a successful payment or a finished refund means is decided by the layer that asked for
it (orders), not by payments: orders registers one handler for each at start-up.

Both handlers run inside the transaction that records the payment or refund, so the order moves
exactly when the money does; they must not call WeChat (no HTTP while rows are locked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fenxiao.payments.models import Payment, Refund

PaymentHandler = Callable[["Payment"], None]
RefundHandler = Callable[["Refund"], None]

_on_payment_succeeded: PaymentHandler | None = None
_on_refund_finished: RefundHandler | None = None


def register(*, payment_succeeded: PaymentHandler, refund_finished: RefundHandler) -> None:
    global _on_payment_succeeded, _on_refund_finished
    _on_payment_succeeded = payment_succeeded
    _on_refund_finished = refund_finished


def payment_succeeded(payment: Payment) -> None:
    """Called once per payment, inside the transaction that marked it succeeded."""
    if _on_payment_succeeded is None:
        raise RuntimeError("no payment handler registered (is fenxiao.orders installed?)")
    _on_payment_succeeded(payment)


def refund_finished(refund: Refund) -> None:
    """Called once per refund when it reaches a final state (succeeded, abnormal or closed)."""
    if _on_refund_finished is None:
        raise RuntimeError("no refund handler registered (is fenxiao.orders installed?)")
    _on_refund_finished(refund)
