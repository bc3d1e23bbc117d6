"""Reads of orders for shoppers (only their own) and operators."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from fenxiao.accounts.models import User
from fenxiao.catalog.selectors import Page
from fenxiao.orders.errors import order_not_found
from fenxiao.orders.models import Order, OrderLine, OrderStatus

# The five tabs of "我的订单" and the statuses each shows.
BUYER_TABS: dict[str, tuple[str, ...]] = {
    "pending_payment": (OrderStatus.PENDING_PAYMENT,),
    "to_ship": (OrderStatus.PAID,),
    "to_receive": (OrderStatus.SHIPPED,),
    "completed": (OrderStatus.RECEIVED, OrderStatus.COMPLETED),
}


def _with_lines(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))


def order_list_for_buyer(*, buyer: User, tab: str | None, page: int, page_size: int) -> Page:
    qs = Order.objects.filter(buyer=buyer)
    if tab == "after_sales":
        qs = qs.filter(after_sales__isnull=False).distinct()
    elif tab in BUYER_TABS:
        qs = qs.filter(status__in=BUYER_TABS[tab])
    elif tab:
        from fenxiao.orders.errors import OrderError

        raise OrderError("ORDER_TAB_INVALID", "订单状态筛选不正确", field="status")
    count = qs.count()
    items = list(_with_lines(qs.order_by("-created_at", "-id"))[(page - 1) * page_size : page * page_size])
    return Page(items=items, count=count, page=page, page_size=page_size)


def order_get_for_buyer(*, order_id: int, buyer: User) -> Order:
    order = _with_lines(Order.objects.filter(pk=order_id, buyer=buyer)).prefetch_related("events").first()
    if order is None:
        raise order_not_found()
    return order
