"""Reads of shipments: an order's parcels for its buyer, one parcel for the operator."""

from __future__ import annotations

from django.db.models import Prefetch

from fenxiao.core.errors import NotFound
from fenxiao.orders.models import Order, Shipment, ShipmentLine


def shipment_not_found() -> NotFound:
    return NotFound("SHIPMENT_NOT_FOUND", "发货单不存在")


def shipment_list_for_order(*, order: Order) -> list[Shipment]:
    """The order's parcels, oldest first, each with its lines and their order lines."""
    return list(
        Shipment.objects.filter(order=order)
        .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line").order_by("id")))
        .order_by("id")
    )


def shipment_get_for_operator(*, order_id: int, shipment_id: int) -> Shipment:
    shipment = Shipment.objects.filter(pk=shipment_id, order_id=order_id).first()
    if shipment is None:
        raise shipment_not_found()
    return shipment
