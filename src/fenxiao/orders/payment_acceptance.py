"""Whether money WeChat took still pays its order: the one rule every way of learning about a
payment goes through (the notification, the query sweep, the close that finds it paid, the
sandbox), because they all end in payments' claim, which asks ``order_payment_receive``.

Only an order still waiting for payment takes money, and only the amount it asks for. A cancelled
order never comes back to life: cancelling gave back its stock, coupon, seckill unit and group
seat, possibly to another order by now, and reviving it would spend them twice. An order already
paid by another transaction keeps that one. Refused money is kept on record and refunded in full.

An order past its payment deadline that the sweep has not cancelled yet still takes the money: it
still holds everything the money pays for, WeChat refuses payment after ``time_expire`` (the same
deadline), and the sweep closes the payment at WeChat before it cancels the order."""

from __future__ import annotations

from fenxiao.orders.models import OrderStatus
from fenxiao.payments.hooks import PaymentRefusal

ORDER_CANCELLED = PaymentRefusal("ORDER_CANCELLED", "订单已取消")
ORDER_ALREADY_PAID = PaymentRefusal("ORDER_ALREADY_PAID", "订单已由另一笔支付付款")
AMOUNT_MISMATCH = PaymentRefusal("PAYMENT_AMOUNT_MISMATCH", "支付金额与订单应付金额不一致")


def payment_refusal(*, order_status: str, payable_fen: int, amount_fen: int) -> PaymentRefusal | None:
    """Why the order does not take ``amount_fen`` now, or None when it does."""
    if order_status == OrderStatus.CANCELLED:
        return ORDER_CANCELLED
    if order_status != OrderStatus.PENDING_PAYMENT:
        # Every other status is reached through a payment (closed: paid, then refunded in full).
        return ORDER_ALREADY_PAID
    if amount_fen != payable_fen:
        return AMOUNT_MISMATCH
    return None
