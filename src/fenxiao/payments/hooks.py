"""What a payment or a finished refund means is decided by the layer that asked for it (orders),
not by payments: orders registers one handler for each at start-up.

Both handlers run inside the transaction that records the payment or refund, so the order moves
exactly when the money does; they must not call WeChat (no HTTP while rows are locked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fenxiao.payments.models import Payment, Refund


@dataclass(frozen=True)
class PaymentRefusal:
    """Why money WeChat took is not wanted by what it was meant to pay (the order is cancelled, or
    already paid by another transaction, or asks for another amount). Payments keeps the record and
    gives the money back in full."""

    code: str
    message: str


PaymentHandler = Callable[["Payment"], "PaymentRefusal | None"]
RefundHandler = Callable[["Refund"], None]

_on_payment_received: PaymentHandler | None = None
_on_refund_finished: RefundHandler | None = None


def register(*, payment_received: PaymentHandler, refund_finished: RefundHandler) -> None:
    global _on_payment_received, _on_refund_finished
    _on_payment_received = payment_received
    _on_refund_finished = refund_finished


def payment_received(payment: Payment) -> PaymentRefusal | None:
    """Called once per payment WeChat reports paid, inside the transaction that claims it, with the
    order row locked. The handler either applies the money (returns None) or refuses it, changing
    nothing that the money would have bought."""
    if _on_payment_received is None:
        raise RuntimeError("no payment handler registered (is fenxiao.orders installed?)")
    return _on_payment_received(payment)


def refund_finished(refund: Refund) -> None:
    """Called once per refund when it reaches a final state (succeeded, abnormal or closed)."""
    if _on_refund_finished is None:
        raise RuntimeError("no refund handler registered (is fenxiao.orders installed?)")
    _on_refund_finished(refund)
