"""Orders' models, one module per idea: the cart, the order and its lines, its event trail,
shipping (fee templates and shipments) and after-sales. Every model is importable from here."""

from fenxiao.orders.models.aftersales import (
    BUYER_KINDS,
    OPEN_AFTER_SALE,
    AfterSale,
    AfterSaleKind,
    AfterSaleLine,
    AfterSaleStatus,
)
from fenxiao.orders.models.cart import CartItem
from fenxiao.orders.models.events import EVENT_LABELS, OrderEvent, event_label
from fenxiao.orders.models.order import Order, OrderHold, OrderLine, OrderStatus
from fenxiao.orders.models.shipping import (
    ChargeBy,
    ReceiptSettings,
    Shipment,
    ShipmentLine,
    ShippingRule,
    ShippingTemplate,
)

__all__ = [
    "BUYER_KINDS",
    "EVENT_LABELS",
    "OPEN_AFTER_SALE",
    "AfterSale",
    "AfterSaleKind",
    "AfterSaleLine",
    "AfterSaleStatus",
    "CartItem",
    "ChargeBy",
    "Order",
    "OrderEvent",
    "OrderHold",
    "OrderLine",
    "OrderStatus",
    "ReceiptSettings",
    "Shipment",
    "ShipmentLine",
    "ShippingRule",
    "ShippingTemplate",
    "event_label",
]
