"""How payments asks about the order behind a payment, without knowing what an order is: orders
implements ``OrderPort`` and registers it on ``order_port`` at start-up (a hook point,
``core.extensions``). Payments never reads or locks the order's row itself: the lock, the payable
terms and what money means to an order are the port's.

The hooks ``payment_received`` and ``refund_finished`` run inside the transaction that records the
payment or refund, with the order locked through ``lock`` first (the project's lock order: order,
then payment), so the order moves exactly when the money does; they must not call WeChat (no HTTP
while rows are locked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from fenxiao.core.extensions import HookPoint

if TYPE_CHECKING:
    from fenxiao.payments.models import Payment, Refund


@dataclass(frozen=True)
class PayableOrder:
    """What payments needs to know about an order: a value, never the row."""

    order_id: int
    order_no: str
    buyer_id: int
    buyer_openid: str
    status: str
    payable: bool  # the order still waits for its money
    payable_fen: int
    deadline: datetime  # WeChat's time_expire: no payment is taken after it


@dataclass(frozen=True)
class PaymentRefusal:
    """Why money WeChat took is not wanted by what it was meant to pay (the order is cancelled, or
    already paid by another transaction, or asks for another amount). Payments keeps the record and
    gives the money back in full."""

    code: str
    message: str


class OrderPort(Protocol):
    def lock(self, order_id: int) -> None:
        """Lock the order's row for the rest of the transaction (before any payment row)."""

    def get(self, order_id: int) -> PayableOrder | None: ...

    def get_by_no(self, order_no: str) -> PayableOrder | None: ...

    def payment_received(self, payment: Payment) -> PaymentRefusal | None:
        """Called once per payment WeChat reports paid, with the order locked. Either applies the
        money (returns None) or refuses it, changing nothing that the money would have bought."""

    def refund_finished(self, refund: Refund) -> None:
        """Called once per refund when it reaches a final state (succeeded, abnormal or closed)."""


order_port: HookPoint[OrderPort] = HookPoint("payments.order", single=True)
