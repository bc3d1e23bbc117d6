"""The order state machine of DESIGN §4. A status changes only through ``order_transition``,
which refuses a move the machine does not allow and writes the ``OrderEvent`` in the same
transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from fenxiao.core.statements import rows_insert
from fenxiao.orders.errors import order_state_conflict
from fenxiao.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    # Final: money that still arrives is refused and refunded (``payment_acceptance``).
    S.CANCELLED: frozenset(),
    S.PAID: frozenset({S.SHIPPED, S.CLOSED}),
    S.SHIPPED: frozenset({S.RECEIVED, S.CLOSED}),
    S.RECEIVED: frozenset({S.COMPLETED, S.CLOSED}),
    # An operator refund of every unit left (``aftersales.operator_refunds``) closes it.
    S.COMPLETED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

# The timestamp each status stamps when it is entered.
STAMPS = {
    S.PAID: "paid_at",
    S.SHIPPED: "shipped_at",
    S.RECEIVED: "received_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
    S.CLOSED: "closed_at",
}

REFUSALS = {
    S.CANCELLED: ("ORDER_NOT_CANCELLABLE", "订单已付款或已关闭，无法取消"),
    S.PAID: ("ORDER_NOT_PAYABLE", "订单当前状态不能付款"),
    S.SHIPPED: ("ORDER_NOT_SHIPPABLE", "订单当前状态不能发货"),
    S.RECEIVED: ("ORDER_NOT_RECEIVABLE", "订单尚未发货，不能确认收货"),
    S.COMPLETED: ("ORDER_NOT_COMPLETABLE", "订单当前状态不能完成"),
    S.CLOSED: ("ORDER_NOT_CLOSABLE", "订单当前状态不能关闭"),
}


def status_label(status: str) -> str:
    return OrderStatus(status).label if status in OrderStatus.values else status


def can_transition(order: Order, to: str) -> bool:
    return to in ALLOWED.get(order.status, frozenset())


def ensure_transition(order: Order, *, to: str) -> None:
    if not can_transition(order, to):
        code, message = REFUSALS.get(to, ("ORDER_STATE_INVALID", "订单状态不允许此操作"))
        raise order_state_conflict(code, message)


def order_event_add(
    order: Order,
    *,
    type: str,
    actor=None,
    note: str = "",
    data: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
) -> OrderEvent:
    event = OrderEvent(
        order=order,
        type=type,
        actor=actor,
        note=note[:200],
        data=data or {},
        from_status=from_status,
        to_status=to_status,
    )
    return rows_insert([event])[0]


def order_transition(
    order: Order,
    *,
    to: str,
    event: str,
    actor=None,
    note: str = "",
    data: dict[str, Any] | None = None,
    extra_fields: tuple[str, ...] = (),
    at: datetime | None = None,
) -> Order:
    """Move a locked order to ``to``; the caller holds the row lock (``lock_order``)."""
    ensure_transition(order, to=to)
    before = order.status
    order.status = to
    fields = ["status", "updated_at", *extra_fields]
    stamp = STAMPS.get(to)
    if stamp:
        setattr(order, stamp, at or timezone.now())
        fields.append(stamp)
    order.save(update_fields=fields)
    order_event_add(order, type=event, actor=actor, note=note, data=data, from_status=before, to_status=to)
    return order
