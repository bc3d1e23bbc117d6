"""Shopper's parcels: ``GET /api/v1/orders/{order_id}/shipments`` — what was sent in each parcel
and where it is now (the stored trace, asked again when stale: ``shipping/traces.py``). Only the
buyer sees them; another user's order answers 404 ORDER_NOT_FOUND."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from fenxiao.accounts.auth import user_auth
from fenxiao.core.media import media_url
from fenxiao.orders import selectors
from fenxiao.orders.models import Shipment
from fenxiao.orders.shipping.traces import shipment_traces_for_order
from fenxiao.orders.shipping.tracking import STATUS_LABELS, TrackingEvent

router = Router(tags=["物流"], auth=user_auth)


class TrackingEventOut(Schema):
    time: datetime
    status: str
    status_label: str
    description: str
    location: str


class ShippedLineOut(Schema):
    order_line_id: int
    title: str
    specs: str
    image: str
    quantity: int


class ShopperShipmentOut(Schema):
    id: int
    carrier_code: str
    carrier_name: str
    tracking_no: str
    shipped_at: datetime
    # The newest tracking state ("" until the carrier reports anything).
    status: str
    status_label: str
    # When the carrier reported the parcel signed (null until then).
    delivered_at: datetime | None
    lines: list[ShippedLineOut]
    events: list[TrackingEventOut]


def _event(e: TrackingEvent) -> dict:
    return {
        "time": e.time,
        "status": e.status,
        "status_label": STATUS_LABELS.get(e.status, e.status),
        "description": e.description,
        "location": e.location,
    }


def _shipment(shipment: Shipment, events: list[TrackingEvent], request: HttpRequest) -> dict:
    latest = events[0].status if events else ""
    return {
        "id": shipment.id,
        "carrier_code": shipment.carrier_code,
        "carrier_name": shipment.carrier_name,
        "tracking_no": shipment.tracking_no,
        "shipped_at": shipment.created_at,
        "status": latest,
        "status_label": STATUS_LABELS.get(latest, "已发货"),
        "delivered_at": shipment.delivered_at,
        "lines": [
            {
                "order_line_id": sl.order_line_id,
                "title": sl.order_line.product_title,
                "specs": sl.order_line.sku_specs,
                "image": media_url(sl.order_line.image, request) if sl.order_line.image else "",
                "quantity": sl.quantity,
            }
            for sl in shipment.lines.all()
        ],
        "events": [_event(e) for e in events],
    }


@router.get("/{int:order_id}/shipments", response=list[ShopperShipmentOut], summary="订单物流")
def order_shipments(request: HttpRequest, order_id: int):
    order = selectors.order_get_for_buyer(order_id=order_id, buyer=request.auth)
    return [_shipment(shipment, events, request) for shipment, events in shipment_traces_for_order(order=order)]
