"""Orders and commission that came through me (DESIGN §5 "my orders and commissions"): one row per
order for the order list, one per record for the commission list, each order number masked.

An order's status for me follows my records on it: pending while any is pending, settled once
every one left is settled, cancelled when refunds took them all. Commission an open risk case
holds reads "审核中" (issue 19 §1), and nothing more: the distributor never sees the evidence."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.utils import timezone

from fenxiao.core.masking import mask_order_no
from fenxiao.core.paging import Page
from fenxiao.distribution.centre.selectors import NET_FEN, SALES_FEN, paged, person_name
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor
from fenxiao.orders.models import Order, OrderLine
from fenxiao.risk.models import RiskCaseOrder

HELD_LABEL = "审核中"
# Read in the same query as the rows: an open risk case holds the record's order.
HELD = Exists(RiskCaseOrder.objects.filter(order_id=OuterRef("order_id"), held=True))

CommissionFilter = Literal["pending", "settled", "cancelled"]
COMMISSION_FIELDS = (
    "id",
    "level",
    "base_fen",
    "refunded_base_fen",
    "rate_bps",
    "fixed_unit_fen",
    "amount_fen",
    "reversed_fen",
    "clawback_fen",
    "status",
    "created_at",
    "settle_after",
    "settled_at",
)


@dataclass(frozen=True)
class ReferredOrder:
    order_no: str
    created_at: datetime
    buyer_name: str
    goods_title: str
    goods_quantity: int
    level: int
    sales_fen: int
    commission_fen: int
    status: str
    status_label: str
    held: bool = False

    @property
    def goods_summary(self) -> str:
        return self.goods_title if self.goods_quantity <= 1 else f"{self.goods_title} 等{self.goods_quantity}件"


def _order_status(pending: int, settled: int) -> str:
    """An order is pending for me while any of my records on it is; settled once all that remain are."""
    if pending:
        return CommissionStatus.PENDING
    return CommissionStatus.SETTLED if settled else CommissionStatus.CANCELLED


_ORDER_STATUS_FILTERS = {
    CommissionStatus.PENDING: Q(pending_n__gt=0),
    CommissionStatus.SETTLED: Q(pending_n=0, settled_n__gt=0),
    CommissionStatus.CANCELLED: Q(pending_n=0, settled_n=0),
}


def referred_order_list(
    *, distributor: Distributor, status: CommissionFilter | None = None, page: int = 1, page_size: int = 0
) -> Page:
    """Orders that earned me commission, one row per order (its lines summed), newest first."""
    qs = (
        CommissionRecord.objects.filter(distributor_id=distributor.id)
        .values("order_id")
        .annotate(
            level=Min("level"),
            sales=Sum(SALES_FEN),
            commission=Sum(NET_FEN),
            pending_n=Count("id", filter=Q(status=CommissionStatus.PENDING)),
            settled_n=Count("id", filter=Q(status=CommissionStatus.SETTLED)),
            held=HELD,
        )
        .order_by("-order_id")
    )
    if status:
        qs = qs.filter(_ORDER_STATUS_FILTERS[status])
    found = paged(qs, page, page_size)
    rows = found.items
    order_ids = [r["order_id"] for r in rows]
    orders = {
        o["id"]: o
        for o in Order.objects.filter(pk__in=order_ids).values("id", "order_no", "created_at", "buyer__nickname")
    }
    goods: dict[int, tuple[str, int]] = {}
    for line in (
        OrderLine.objects.filter(order_id__in=order_ids)
        .order_by("order_id", "id")
        .values("order_id", "product_title", "quantity")
    ):
        title, quantity = goods.get(line["order_id"], (line["product_title"], 0))
        goods[line["order_id"]] = (title, quantity + line["quantity"])
    items = []
    for r in rows:
        order = orders[r["order_id"]]
        title, quantity = goods.get(r["order_id"], ("", 0))
        row_status = _order_status(r["pending_n"], r["settled_n"])
        held = bool(r["held"]) and row_status != CommissionStatus.CANCELLED
        items.append(
            ReferredOrder(
                order_no=mask_order_no(order["order_no"]),
                created_at=order["created_at"],
                buyer_name=person_name(order["buyer__nickname"]),
                goods_title=title,
                goods_quantity=quantity,
                level=r["level"],
                sales_fen=int(r["sales"] or 0),
                commission_fen=int(r["commission"] or 0),
                status=row_status,
                status_label=HELD_LABEL if held else CommissionStatus(row_status).label,
                held=held,
            )
        )
    return replace(found, items=items)


@dataclass(frozen=True)
class CommissionRow:
    id: int
    order_no: str
    product_title: str
    level: int
    base_fen: int
    refunded_base_fen: int
    rate_bps: int | None
    fixed_unit_fen: int | None
    amount_fen: int
    reversed_fen: int
    clawback_fen: int
    net_fen: int
    status: str
    status_label: str
    created_at: datetime
    settle_after: datetime | None
    settle_note: str
    settled_at: datetime | None
    held: bool = False


def settle_note(*, status: str, settle_after: datetime | None, freeze_days: int) -> str:
    """When pending commission becomes withdrawable, in words: receipt starts the freeze."""
    if status != CommissionStatus.PENDING:
        return ""
    if settle_after is None:
        return f"确认收货后 {freeze_days} 天结算"
    return f"预计 {timezone.localtime(settle_after):%Y-%m-%d} 结算"


def commission_list(
    *, distributor: Distributor, status: CommissionFilter | None = None, page: int = 1, page_size: int = 0
) -> Page:
    """My commission records, newest first, each with its order (masked) and product."""
    qs = CommissionRecord.objects.filter(distributor_id=distributor.id)
    if status:
        qs = qs.filter(status=status)
    qs = qs.order_by("-id").values(
        *COMMISSION_FIELDS,
        held=HELD,
        order_no=F("order__order_no"),
        product_title=F("order_line__product_title"),
    )
    found = paged(qs, page, page_size)
    rows = found.items
    freeze_days = distribution_settings().freeze_days if rows else 0
    items = []
    for r in rows:
        is_held = r.pop("held") and r["status"] != CommissionStatus.CANCELLED
        items.append(
            CommissionRow(
                **{
                    **r,
                    "order_no": mask_order_no(r["order_no"]),
                    "net_fen": r["amount_fen"] - r["reversed_fen"] - r["clawback_fen"],
                    "status_label": HELD_LABEL if is_held else CommissionStatus(r["status"]).label,
                    "settle_note": HELD_LABEL
                    if is_held
                    else settle_note(status=r["status"], settle_after=r["settle_after"], freeze_days=freeze_days),
                    "held": is_held,
                }
            )
        )
    return replace(found, items=items)
