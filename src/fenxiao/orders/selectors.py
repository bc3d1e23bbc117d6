"""Reads of orders for shoppers (only their own: another user's order is a 404, never a 403, so
ids cannot be probed) and for operators (everything, with the related rows the console shows)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.paging import Page, paginate
from fenxiao.core.statements import quoted_names
from fenxiao.orders.errors import OrderError, order_not_found
from fenxiao.orders.models import AfterSale, Order, OrderEvent, OrderLine, OrderStatus, Shipment, ShipmentLine
from fenxiao.payments.models import Payment

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# The tabs of "我的订单" and the statuses each shows. 已收货 sits under 已完成 with 已完成: the
# buyer's part is done (the after-sales window still runs, reachable from the order itself).
BUYER_TABS: dict[str, tuple[str, ...]] = {
    "pending_payment": (OrderStatus.PENDING_PAYMENT,),
    "to_ship": (OrderStatus.PAID,),
    "to_receive": (OrderStatus.SHIPPED,),
    "completed": (OrderStatus.RECEIVED, OrderStatus.COMPLETED),
}
AFTER_SALES_TAB = "after_sales"
TAB_LABELS = {
    "pending_payment": "待付款",
    "to_ship": "待发货",
    "to_receive": "待收货",
    "completed": "已完成",
    AFTER_SALES_TAB: "售后",
}


def _paged(qs: QuerySet[Order], page: int, page_size: int) -> Page:
    return paginate(qs, page=page, page_size=page_size, default_size=DEFAULT_PAGE_SIZE, max_size=MAX_PAGE_SIZE)


def _lines() -> Prefetch:
    return Prefetch("lines", queryset=OrderLine.objects.order_by("id"))


def _has_after_sale() -> Exists:
    return Exists(AfterSale.objects.filter(order=OuterRef("pk")))


def _tab_filter(qs: QuerySet[Order], tab: str | None) -> QuerySet[Order]:
    if not tab:
        return qs
    if tab == AFTER_SALES_TAB:
        return qs.filter(_has_after_sale())
    if tab in BUYER_TABS:
        return qs.filter(status__in=BUYER_TABS[tab])
    raise OrderError("ORDER_TAB_INVALID", "订单状态筛选不正确", field="status")


def order_list_for_buyer(*, buyer: User, tab: str | None = None, page: int = 1, page_size: int = 0) -> Page:
    """One tab of "我的订单", newest first, lines prefetched (two queries plus the count)."""
    qs = _tab_filter(Order.objects.filter(buyer=buyer), tab).prefetch_related(_lines()).order_by("-created_at", "-id")
    return _paged(qs, page, page_size)


def order_tab_counts_for_buyer(*, buyer: User) -> dict[str, int]:
    """The badges on the tabs of "我的订单" in one query."""
    counts = Order.objects.filter(buyer=buyer).aggregate(
        **{tab: Count("pk", filter=Q(status__in=statuses)) for tab, statuses in BUYER_TABS.items()},
        **{AFTER_SALES_TAB: Count("pk", filter=Q(_has_after_sale()))},
    )
    return {tab: counts[tab] or 0 for tab in TAB_LABELS}


def order_get_for_buyer(*, order_id: int, buyer: User) -> Order:
    order = (
        Order.objects.filter(pk=order_id, buyer=buyer)
        .prefetch_related(_lines(), Prefetch("events", queryset=OrderEvent.objects.order_by("id")))
        .first()
    )
    if order is None:
        raise order_not_found()
    return order


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def order_list_for_operator(
    *,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    buyer_id: int | None = None,
    q: str = "",
    page: int = 1,
    page_size: int = 0,
) -> Page:
    """Orders for the console, newest first. Dates are local calendar days, both ends included;
    ``q`` matches an order number (prefix), the receiver's phone (any part, so a tail works) or
    the receiver's name (any part)."""
    qs = Order.objects.all()
    if status:
        if status not in OrderStatus.values:
            raise OrderError("ORDER_STATUS_INVALID", "订单状态不正确", field="status")
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(created_at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_local_midnight(date_to + timedelta(days=1)))
    if buyer_id:
        qs = qs.filter(buyer_id=buyer_id)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(order_no__startswith=q) | Q(receiver_phone__contains=q) | Q(receiver__icontains=q))
    qs = (
        qs.select_related("buyer")
        .prefetch_related(_lines())
        .annotate(shipment_count=Count("shipments", distinct=True))
        .order_by("-created_at", "-id")
    )
    return _paged(qs, page, page_size)


def order_get_for_operator(*, order_id: int) -> Order:
    """Everything the order page shows, in one query per relation."""
    order = (
        Order.objects.filter(pk=order_id)
        .select_related("buyer")
        .prefetch_related(
            _lines(),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("id")),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.select_related("shipped_by")
                .prefetch_related(
                    Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line").order_by("id"))
                )
                .order_by("id"),
            ),
            Prefetch("after_sales", queryset=AfterSale.objects.prefetch_related("lines").order_by("-id")),
            Prefetch("payments", queryset=Payment.objects.order_by("-id")),
        )
        .first()
    )
    if order is None:
        raise order_not_found()
    return order


@cache
def _unpaid_up_to_sql(vendor: str) -> str:
    table, buyer, status = quoted_names(Order, "buyer", "status")
    return f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {buyer} = %s AND {status} = %s LIMIT %s) AS unpaid"


def unpaid_orders_up_to(*, buyer_id: int, cap: int) -> int:
    """The buyer's unpaid orders, counted up to ``cap``: placing an order only asks whether the cap
    is reached, whatever the history. Built once (every placement runs it) and without the
    model's ordering, which a count does not need."""
    with connection.cursor() as cursor:
        cursor.execute(_unpaid_up_to_sql(connection.vendor), [buyer_id, OrderStatus.PENDING_PAYMENT.value, cap])
        (count,) = cursor.fetchone()
    return int(count)
