"""Building orders in tests through the real services: place, pay (as a claimed WeChat payment
would), ship. Shared by the order, payment and after-sales tests."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from fenxiao.accounts.models import Address, User
from fenxiao.orders.checkout import LineRequest
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_create, order_payment_receive
from fenxiao.payments.models import Payment, PaymentStatus
from tests.support import HOME_ADDRESS


def address_for(user: User, **overrides) -> Address:
    """Each user at their own door: people sharing one address are a fraud signal (risk rings)."""
    own = {"detail": f"科技园南区 {user.id} 栋 101"}
    return Address.objects.create(user=user, is_default=True, **{**HOME_ADDRESS, **own, **overrides})


def place_order(user: User, *lines: tuple[int, int], address: Address | None = None, **kwargs) -> Order:
    """``lines`` are (sku_id, quantity) pairs."""
    address = address or Address.objects.filter(user=user, is_default=True).first() or address_for(user)
    return order_create(
        user=user, lines=[LineRequest(sku_id, qty) for sku_id, qty in lines], address_id=address.id, **kwargs
    )


@transaction.atomic
def mark_paid(order: Order) -> Order:
    """What a verified TRANSACTION.SUCCESS does, without the HTTP: a claimed payment, then the
    orders handler. Payment tests cover the notification path itself."""
    payment = Payment.objects.create(
        order=order,
        out_trade_no=f"T{order.order_no}",
        amount_fen=order.payable_fen,
        description="test",
        payer_openid=order.buyer.openid or "o-test",
        status=PaymentStatus.SUCCEEDED,
        transaction_id=f"42000{secrets.randbelow(10**20):020d}",
        trade_state="SUCCESS",
        paid_at=timezone.now(),
    )
    assert order_payment_receive(order_id=order.id, payment=payment) is None
    return Order.objects.get(pk=order.id)
