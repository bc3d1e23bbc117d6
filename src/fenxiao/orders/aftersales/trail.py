"""What every after-sales step does to the rows it locked: change the after-sale's status and write
the step on the order's trail (``OrderEvent`` with ``data.after_sale_id``), where the buyer's
timeline and the operator's history read it."""

from __future__ import annotations

from typing import Any

from fenxiao.accounts.models import User
from fenxiao.orders.models import AfterSale, Order
from fenxiao.orders.transitions import order_event_add


def aftersale_event(
    order: Order,
    after_sale: AfterSale,
    *,
    type: str,
    actor: User | None = None,
    note: str = "",
    before: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """A step of the after-sale on the order's trail. The order's own status does not change, so
    ``from_status``/``to_status`` stay empty and the after-sale's statuses go in ``data``."""
    order_event_add(
        order,
        type=type,
        actor=actor,
        note=note,
        data={
            "after_sale_id": after_sale.id,
            "after_sale_no": after_sale.after_sale_no,
            "from": before,
            "to": after_sale.status,
            **(data or {}),
        },
    )


def aftersale_move(
    order: Order,
    after_sale: AfterSale,
    *,
    to: str,
    event: str,
    actor: User | None = None,
    note: str = "",
    fields: tuple[str, ...] = (),
    data: dict[str, Any] | None = None,
) -> AfterSale:
    """Change the (locked) after-sale's status and record the step; the caller checked the step
    is allowed."""
    before = after_sale.status
    after_sale.status = to
    after_sale.save(update_fields=["status", "updated_at", *fields])
    aftersale_event(order, after_sale, type=event, actor=actor, note=note, before=before, data=data)
    return after_sale
