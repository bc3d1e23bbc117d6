"""The order timed rules of DESIGN §4 as sweeps (see ``fenxiao.core.extensions``): cancel orders
left unpaid past their payment window, confirm receipt ``ORDER_AUTO_RECEIVE_AFTER`` after
shipping (or sooner, when the operator lets a delivered parcel start the clock: ``ReceiptSettings``),
complete orders whose after-sales window ended. Each handles one order per
transaction, so one bad order never blocks the rest, and each service refuses a second
transition, so a sweep racing a shopper (or another sweep) changes nothing twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max

from fenxiao.core.errors import DomainError
from fenxiao.orders.models import OPEN_AFTER_SALE, Order, OrderStatus, ReceiptSettings
from fenxiao.orders.services import order_cancel, order_complete, order_confirm_receipt

logger = logging.getLogger(__name__)
BATCH = 500


def sweep_unpaid_orders(*, now: datetime) -> int:
    due = list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, payment_deadline__lte=now)
        .order_by("payment_deadline", "id")
        .values_list("pk", flat=True)[:BATCH]
    )
    cancelled = 0
    for order_id in due:
        try:
            order = order_cancel(order_id=order_id, by=None, reason="超时未支付，系统自动取消", at=now)
        except DomainError as exc:  # paid meanwhile, or WeChat unreachable (next round tries again)
            logger.info("unpaid sweep skipped order %s: %s", order_id, exc.code)
            continue
        cancelled += order.status == OrderStatus.CANCELLED
    return cancelled


def _delivered_due(now: datetime) -> list[int]:
    """Shipped orders every parcel of which the carrier reported signed, the last one at least the
    operator's number of days ago; none unless the operator turned it on."""
    rule = ReceiptSettings.current()
    if not rule.receive_after_delivery:
        return []
    return list(
        Order.objects.filter(status=OrderStatus.SHIPPED)
        .exclude(shipments__delivered_at__isnull=True)
        .annotate(last_delivered=Max("shipments__delivered_at"))
        .filter(last_delivered__lte=now - timedelta(days=rule.receive_after_delivery_days))
        .order_by("last_delivered", "id")
        .values_list("pk", flat=True)[:BATCH]
    )


def sweep_auto_receive(*, now: datetime) -> int:
    due = list(
        Order.objects.filter(status=OrderStatus.SHIPPED, shipped_at__lte=now - settings.ORDER_AUTO_RECEIVE_AFTER)
        .order_by("shipped_at", "id")
        .values_list("pk", flat=True)[:BATCH]
    )
    due += [order_id for order_id in _delivered_due(now) if order_id not in set(due)]
    received = 0
    for order_id in due:
        try:
            order_confirm_receipt(order_id=order_id, by=None, at=now)
        except DomainError as exc:
            logger.info("auto-receive skipped order %s: %s", order_id, exc.code)
            continue
        received += 1
    return received


def sweep_complete_orders(*, now: datetime) -> int:
    due = list(
        Order.objects.filter(status=OrderStatus.RECEIVED, received_at__lte=now - settings.ORDER_AFTER_SALES_WINDOW)
        .exclude(after_sales__status__in=OPEN_AFTER_SALE)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)
        .distinct()[:BATCH]
    )
    return sum(1 for order_id in due if order_complete(order_id=order_id, at=now) is not None)


def register() -> None:
    from fenxiao.core.extensions import register_sweep
    from fenxiao.orders.aftersales.refunds import sweep_stuck_refunds
    from fenxiao.orders.shipping.traces import sweep_parcel_traces
    from fenxiao.orders.shipping.wechat_upload import sweep_shipping_uploads

    register_sweep("orders.cancel_unpaid", sweep_unpaid_orders)
    register_sweep("orders.parcel_traces", sweep_parcel_traces)
    register_sweep("orders.auto_receive", sweep_auto_receive)
    register_sweep("orders.complete", sweep_complete_orders)
    register_sweep("orders.stuck_refunds", sweep_stuck_refunds)
    register_sweep("orders.shipping_uploads", sweep_shipping_uploads)
