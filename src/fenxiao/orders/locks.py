"""Every row lock orders takes (``SELECT ... FOR UPDATE``), as Saleor's ``lock_objects.py`` does:
one place to read which rows a transaction may wait on, and in which order.

Lock order (a transaction that needs several takes them in this order, so two never wait on
each other):

1. the buyer's user row, only while placing an order (one placement per shopper at a time);
2. the order;
3. an after-sale of that order;
4. then, below orders: the payment, stock by SKU id, ledger accounts by id.

A cart line is locked alone: editing the cart takes no other lock.

Each function locks inside the caller's transaction; outside one it locks nothing (and on SQLite
``select_for_update`` is a no-op), so callers are ``@transaction.atomic`` services."""

from __future__ import annotations

from django.db.models import QuerySet

from fenxiao.accounts.models import User
from fenxiao.core.statements import values_first
from fenxiao.orders.errors import aftersale_not_found, order_not_found
from fenxiao.orders.models import AfterSale, CartItem, Order


def lock_buyer(user_id: int) -> None:
    """The buyer's row, FOR NO KEY UPDATE (as a seckill purchase does): two placements by one
    shopper run one after the other; other shoppers never wait, and rows pointing at the user
    can still be inserted. Compiled once: every order placement runs it."""
    values_first("orders.lock_buyer", _buyer_row, user_id)


def _buyer_row(user_id: int) -> QuerySet:
    return User.objects.select_for_update(no_key=True).filter(pk=user_id).values_list("pk")[:1]


def lock_order(order_id: int) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise order_not_found()
    return order


def lock_aftersale(after_sale_id: int, *, buyer: User | None = None) -> tuple[Order, AfterSale]:
    """Lock the after-sale's order, then the after-sale. With ``buyer``, someone else's after-sale
    is "not found"."""
    order_id = AfterSale.objects.filter(pk=after_sale_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise aftersale_not_found()
    order = lock_order(order_id)
    after_sale = AfterSale.objects.select_for_update().get(pk=after_sale_id)
    if buyer is not None and after_sale.buyer_id != buyer.id:
        raise aftersale_not_found()
    return order, after_sale


def lock_order_aftersale(*, order: Order, after_sale_id: int) -> AfterSale | None:
    """An after-sale of an order the caller has locked already; None when it is not that order's."""
    return AfterSale.objects.select_for_update().filter(pk=after_sale_id, order=order).first()


def lock_cart_item(*, user_id: int, item_id: int) -> CartItem | None:
    """A line of the shopper's cart; its owner is part of the lookup, so another shopper's line is
    simply not found (None)."""
    return CartItem.objects.select_for_update().filter(pk=item_id, user_id=user_id).first()
