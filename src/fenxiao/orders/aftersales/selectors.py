"""Reads of after-sales: the buyer's own (someone else's is a 404, never a 403), the operator's queue,
the timeline (the after-sale's ``OrderEvent`` rows) and where its money stands at payments."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from fenxiao.accounts.models import User
from fenxiao.core.paging import Page, paginate
from fenxiao.orders.errors import AfterSaleError, aftersale_not_found
from fenxiao.orders.models import OPEN_AFTER_SALE, AfterSale, AfterSaleLine, AfterSaleStatus, Order, OrderEvent
from fenxiao.payments.models import Refund

# An after-sale "holds" its units from the request until it ends without money (rejected,
# cancelled) or with it (refunded). A failed refund still holds them: the operator retries it, and
# letting the buyer ask for the same units again would refund them twice.
HOLDING_STATUSES: tuple[str, ...] = (*OPEN_AFTER_SALE, AfterSaleStatus.REFUND_FAILED)

# What the buyer may still do in each status (the mini-program shows the buttons).
BUYER_CANCELLABLE = (AfterSaleStatus.REQUESTED, AfterSaleStatus.AWAITING_RETURN)


def aftersale_purpose(after_sale_id: int) -> str:
    """The ``purpose`` of the payments refund for an after-sale: payments reuses the refund (and
    its ``out_refund_no``) of a purpose on a retry, so the same after-sale can never pay twice."""
    return f"after_sale:{after_sale_id}"


def void_purpose(order_id: int) -> str:
    """A paid order voided before it shipped because its promotion failed (a group-buy that did
    not fill): one refund of everything paid, whoever asks and however often."""
    return f"void:{order_id}"


def _with_lines(qs: QuerySet[AfterSale]) -> QuerySet[AfterSale]:
    lines = AfterSaleLine.objects.select_related("order_line").order_by("order_line_id", "id")
    return qs.select_related("order", "buyer", "handled_by").prefetch_related(Prefetch("lines", queryset=lines))


def _page(qs: QuerySet[AfterSale], *, page: int, page_size: int) -> Page:
    return paginate(_with_lines(qs.order_by("-created_at", "-id")), page=page, page_size=page_size)


def _status_filter(status: str | None) -> Q:
    if not status:
        return Q()
    if status == "open":
        return Q(status__in=HOLDING_STATUSES)
    if status not in AfterSaleStatus.values:
        raise AfterSaleError("AFTER_SALE_STATUS_INVALID", "售后状态筛选不正确", field="status")
    return Q(status=status)


def aftersale_list_for_buyer(*, buyer: User, status: str | None, page: int, page_size: int) -> Page:
    """``status`` is one of the after-sale statuses, or ``open`` for everything still in progress."""
    return _page(AfterSale.objects.filter(_status_filter(status), buyer=buyer), page=page, page_size=page_size)


def aftersale_open_count_for_buyer(*, buyer: User) -> int:
    """The badge on "售后" in 我的: the same after-sales as the list filtered by ``open``."""
    return AfterSale.objects.filter(_status_filter("open"), buyer=buyer).count()


def aftersale_get_for_buyer(*, after_sale_id: int, buyer: User) -> AfterSale:
    after_sale = _with_lines(AfterSale.objects.filter(pk=after_sale_id, buyer=buyer)).first()
    if after_sale is None:
        raise aftersale_not_found()
    return after_sale


def aftersale_list_for_operator(*, status: str | None, q: str = "", page: int, page_size: int) -> Page:
    """The operator's queue; ``q`` matches the after-sale number, the order number, or the buyer's
    nickname, phone or username."""
    qs = AfterSale.objects.filter(_status_filter(status))
    if q:
        qs = qs.filter(
            Q(after_sale_no__icontains=q)
            | Q(order__order_no__icontains=q)
            | Q(buyer__nickname__icontains=q)
            | Q(buyer__phone__icontains=q)
            | Q(buyer__username__icontains=q)
        )
    return _page(qs, page=page, page_size=page_size)


def aftersale_get_for_operator(*, after_sale_id: int) -> AfterSale:
    after_sale = _with_lines(AfterSale.objects.filter(pk=after_sale_id)).first()
    if after_sale is None:
        raise aftersale_not_found()
    return after_sale


# How each step reads on the timeline.
TIMELINE_LABELS = {
    "after_sale_requested": "提交售后申请",
    "after_sale_cancelled": "买家撤销申请",
    "after_sale_approved": "平台审核通过",
    "after_sale_rejected": "平台驳回",
    "after_sale_return_shipped": "买家已寄回商品",
    "after_sale_return_received": "平台已收到退货",
    "after_sale_refund_retried": "重新发起退款",
    "after_sale_refund_failed": "退款异常",
    "after_sale_refunded": "退款成功",
}


def aftersale_timeline(*, after_sale: AfterSale) -> list[OrderEvent]:
    """Every step of the after-sale, oldest first: the services write each one on the order's
    trail with ``data.after_sale_id``, so the order's history and the after-sale's never disagree."""
    return list(
        OrderEvent.objects.filter(order_id=after_sale.order_id, data__after_sale_id=after_sale.id)
        .select_related("actor")
        .order_by("id")
    )


def aftersale_latest_refund(*, after_sale: AfterSale) -> Refund | None:
    """The payments refund now carrying the after-sale's money (a retry after a closed refund
    makes a new one), or None before it was asked for."""
    return Refund.objects.filter(purpose=aftersale_purpose(after_sale.id)).order_by("-id").first()


def aftersale_goods_fen(after_sale: AfterSale) -> int:
    """The part of the refund that belongs to the lines (commission base); the rest is shipping."""
    return sum(line.refund_fen for line in after_sale.lines.all())


def aftersale_shipping_fen(after_sale: AfterSale) -> int:
    return after_sale.refund_fen - aftersale_goods_fen(after_sale)


def held_units_by_line(*, order: Order) -> dict[int, int]:
    """Units of each order line held by after-sales still in progress."""
    held: dict[int, int] = {}
    rows = AfterSaleLine.objects.filter(after_sale__order=order, after_sale__status__in=HOLDING_STATUSES)
    for line_id, quantity in rows.values_list("order_line_id", "quantity"):
        held[line_id] = held.get(line_id, 0) + quantity
    return held


def returned_units_by_line(*, order: Order) -> dict[int, int]:
    """Units already sent back (or on their way) under return-and-refund, per line: a unit can be
    returned once."""
    returned: dict[int, int] = {}
    rows = AfterSaleLine.objects.filter(
        after_sale__order=order,
        after_sale__kind="return_refund",
        after_sale__status__in=(*HOLDING_STATUSES, AfterSaleStatus.REFUNDED),
    )
    for line_id, quantity in rows.values_list("order_line_id", "quantity"):
        returned[line_id] = returned.get(line_id, 0) + quantity
    return returned


def shipping_claimed(*, order: Order) -> bool:
    """Whether a live or refunded after-sale of the order already carries its shipping."""
    after_sales = _with_lines(
        AfterSale.objects.filter(order=order, status__in=(*HOLDING_STATUSES, AfterSaleStatus.REFUNDED))
    )
    return any(aftersale_shipping_fen(a) > 0 for a in after_sales)


def aftersale_fresh(after_sale_id: int) -> AfterSale:
    """The after-sale as it is now, after anything the post-commit refund call changed."""
    return AfterSale.objects.select_related("order").get(pk=after_sale_id)
