"""The trace of an order, written with the order (``orders.placement_hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fenxiao.risk.models import TraceKind
from fenxiao.risk.traces.services import client_trace_record

if TYPE_CHECKING:
    from fenxiao.orders.models import Order


def on_order_placed(order: Order) -> None:
    client_trace_record(kind=TraceKind.ORDER, object_id=order.id, user_id=order.buyer_id)
