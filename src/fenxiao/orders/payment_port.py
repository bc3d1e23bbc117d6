"""Orders' side of payments' ``OrderPort`` (``payments.hooks``): what payments may know about an
order (a ``PayableOrder`` value), the order's lock, and what money arriving or a refund finishing
means for an order. Registered at start-up by ``OrdersConfig.ready``."""

from __future__ import annotations

import contextlib

from django.conf import settings

from fenxiao.core.errors import NotFound
from fenxiao.orders.locks import lock_order
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.payments.hooks import PayableOrder, PaymentRefusal

_FIELDS = ("pk", "order_no", "buyer_id", "buyer__openid", "status", "payable_fen", "payment_deadline", "created_at")


class OrderPaymentPort:
    def lock(self, order_id: int) -> None:
        """Orders' own lock (``orders.locks``). A missing order locks nothing: the caller finds out
        when it asks for the order."""
        with contextlib.suppress(NotFound):
            lock_order(order_id)

    def get(self, order_id: int) -> PayableOrder | None:
        return _payable(Order.objects.filter(pk=order_id))

    def get_by_no(self, order_no: str) -> PayableOrder | None:
        return _payable(Order.objects.filter(order_no=order_no))

    def payment_received(self, payment) -> PaymentRefusal | None:
        from fenxiao.orders.services import order_payment_receive

        return order_payment_receive(order_id=payment.order_id, payment=payment)

    def refund_finished(self, refund) -> None:
        from fenxiao.orders.aftersales.refunds import refund_finished_for_order

        refund_finished_for_order(refund=refund)


def _payable(orders) -> PayableOrder | None:
    row = orders.values_list(*_FIELDS).first()
    if row is None:
        return None
    order_id, order_no, buyer_id, openid, status, payable_fen, deadline, created_at = row
    return PayableOrder(
        order_id=order_id,
        order_no=order_no,
        buyer_id=buyer_id,
        buyer_openid=openid or "",
        status=status,
        payable=status == OrderStatus.PENDING_PAYMENT,
        payable_fen=payable_fen,
        # Orders placed before deadlines were stored are payable for the window from placement.
        deadline=deadline or created_at + settings.ORDER_PAYMENT_WINDOW,
    )
