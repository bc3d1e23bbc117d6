"""Bulk shipping from a spreadsheet (read by ``spreadsheet.py``): order number, carrier, waybill
and, for a partial shipment, the SKU code and quantity of each line in the parcel.

Rows that share an order, a carrier and a waybill are one parcel. ``bulk_preview`` says per row
what would happen, reading the database only; ``bulk_apply`` plans again from the database as it
is now (time passed since the preview) and ships every valid parcel through ``order_ship``, the
service a single shipment uses, so each parcel is checked under the order lock and its WeChat
shipping info is uploaded as usual. A parcel with any bad row ships nothing: shipping half a
parcel under its waybill would make the rest impossible to ship later under the same number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch

from fenxiao.accounts.models import User
from fenxiao.core.errors import DomainError
from fenxiao.orders.models import Order, OrderLine, OrderStatus, Shipment
from fenxiao.orders.shipping.shipments import order_ship, shippable_quantities, tracking_no_clean
from fenxiao.orders.shipping.spreadsheet import BulkRow
from fenxiao.orders.shipping.tracking import Carrier, carrier_find


class Outcome:
    SHIP = "ship"
    SHIPPED = "shipped"
    ALREADY_SHIPPED = "already_shipped"
    UNKNOWN_ORDER = "unknown_order"
    BAD_CARRIER = "bad_carrier"
    BAD_TRACKING_NO = "bad_tracking_no"
    NOT_SHIPPABLE = "not_shippable"
    ON_HOLD = "on_hold"
    BAD_LINE = "bad_line"
    BAD_QUANTITY = "bad_quantity"
    NOTHING_TO_SHIP = "nothing_to_ship"
    DUPLICATE_TRACKING_NO = "duplicate_tracking_no"
    PARCEL_HAS_ERRORS = "parcel_has_errors"
    FAILED = "failed"


OUTCOME_LABELS = {
    Outcome.SHIP: "将发货",
    Outcome.SHIPPED: "已发货",
    Outcome.ALREADY_SHIPPED: "已发过货",
    Outcome.UNKNOWN_ORDER: "订单不存在",
    Outcome.BAD_CARRIER: "快递公司无效",
    Outcome.BAD_TRACKING_NO: "运单号无效",
    Outcome.NOT_SHIPPABLE: "订单状态不可发货",
    Outcome.ON_HOLD: "订单暂停发货",
    Outcome.BAD_LINE: "商品不属于订单",
    Outcome.BAD_QUANTITY: "数量有误",
    Outcome.NOTHING_TO_SHIP: "没有待发货商品",
    Outcome.DUPLICATE_TRACKING_NO: "运单号重复",
    Outcome.PARCEL_HAS_ERRORS: "同包裹有错误行",
    Outcome.FAILED: "发货失败",
}
GOOD = (Outcome.SHIP, Outcome.SHIPPED)


@dataclass
class RowVerdict:
    row: BulkRow
    outcome: str
    message: str = ""
    carrier_name: str = ""
    shipment_id: int | None = None

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class Parcel:
    order: Order
    carrier: Carrier
    tracking_no: str
    lines: dict[int, int] | None  # order line id → units; None: everything still waiting
    verdicts: list[RowVerdict] = field(default_factory=list)


@dataclass
class BulkReport:
    verdicts: list[RowVerdict]
    applied: bool

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for v in self.verdicts:
            counts[v.outcome] += 1
        return dict(counts)

    @property
    def good(self) -> int:
        return sum(1 for v in self.verdicts if v.outcome in GOOD)


# ---- planning --------------------------------------------------------------------------------


def _order_refusal(order: Order) -> tuple[str, str] | None:
    if order.status in (OrderStatus.SHIPPED, OrderStatus.RECEIVED, OrderStatus.COMPLETED):
        return Outcome.ALREADY_SHIPPED, f"订单{order.get_status_display()}"
    if order.status != OrderStatus.PAID:
        return Outcome.NOT_SHIPPABLE, f"订单{order.get_status_display()}，不能发货"
    if order.fulfilment_hold:
        return Outcome.ON_HOLD, order.get_fulfilment_hold_display()
    return None


def _line_for(order: Order, lines: Sequence[OrderLine], sku: str) -> OrderLine | None:
    found = [line for line in lines if line.sku_code.lower() == sku.lower()]
    if len(found) == 1:
        return found[0]
    if sku.isdigit():  # the order line id, as the operator API and the admin show it
        return next((line for line in lines if line.id == int(sku)), None)
    return None


def _plan(rows: Sequence[BulkRow]) -> tuple[list[RowVerdict], list[Parcel]]:
    orders = {
        o.order_no: o
        for o in Order.objects.filter(order_no__in={r.order_no for r in rows if r.order_no}).prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
        )
    }
    order_lines = {o.id: list(o.lines.all()) for o in orders.values()}
    paid = [o for o in orders.values() if o.status == OrderStatus.PAID]
    remaining = {o.id: shippable_quantities(o, order_lines[o.id]) for o in paid}
    used = {
        (code, number): order_id
        for code, number, order_id in Shipment.objects.filter(
            tracking_no__in={r.tracking_no.strip().upper() for r in rows}
        ).values_list("carrier_code", "tracking_no", "order_id")
    }
    verdicts: list[RowVerdict] = []
    parcels: dict[tuple[int, str, str], Parcel] = {}
    claimed: dict[tuple[str, str], int] = {}  # waybill → order id, within this file

    for row in rows:
        verdict = RowVerdict(row, Outcome.SHIP)
        verdicts.append(verdict)
        order = orders.get(row.order_no)
        carrier = carrier_find(row.carrier)
        verdict.carrier_name = carrier.name if carrier else row.carrier
        try:
            number = tracking_no_clean(row.tracking_no)
        except DomainError as exc:
            number, bad_number = "", exc.message
        else:
            bad_number = ""
        if order is None:
            verdict.outcome, verdict.message = Outcome.UNKNOWN_ORDER, f"找不到订单「{row.order_no}」"
            continue
        if carrier is None:
            verdict.outcome, verdict.message = Outcome.BAD_CARRIER, f"不支持的快递公司「{row.carrier}」"
            continue
        if bad_number:
            verdict.outcome, verdict.message = Outcome.BAD_TRACKING_NO, bad_number
            continue
        waybill = (carrier.code, number)
        if waybill in used:
            same = used[waybill] == order.id
            verdict.outcome = Outcome.ALREADY_SHIPPED if same else Outcome.DUPLICATE_TRACKING_NO
            verdict.message = "该运单已为此订单发货" if same else "该运单号已被其他订单使用"
            continue
        if claimed.setdefault(waybill, order.id) != order.id:
            verdict.outcome, verdict.message = Outcome.DUPLICATE_TRACKING_NO, "同一运单号在文件中对应了不同订单"
            continue
        refusal = _order_refusal(order)
        if refusal:
            verdict.outcome, verdict.message = refusal
            continue
        key = (order.id, carrier.code, number)
        parcel = parcels.get(key)
        whole = not row.sku
        if parcel is not None and whole and parcel.lines is None:
            verdict.outcome, verdict.message = Outcome.ALREADY_SHIPPED, "与上面的行重复"
            continue
        if parcel is None:
            parcel = parcels[key] = Parcel(order, carrier, number, None if whole else {})
        parcel.verdicts.append(verdict)
        if whole != (parcel.lines is None):
            verdict.outcome, verdict.message = Outcome.BAD_LINE, "同一运单不能既整单发货又按商品发货"
            continue
        left = remaining[order.id]
        if whole:
            if not any(left.values()):
                verdict.outcome, verdict.message = Outcome.NOTHING_TO_SHIP, "订单没有待发货的商品"
            else:
                for line_id in left:
                    left[line_id] = 0  # a later parcel in the file finds nothing left
            continue
        line = _line_for(order, order_lines[order.id], row.sku)
        if line is None:
            verdict.outcome, verdict.message = Outcome.BAD_LINE, f"订单中没有商品「{row.sku}」"
            continue
        if row.quantity:
            if not row.quantity.isdigit() or int(row.quantity) < 1:
                verdict.outcome, verdict.message = Outcome.BAD_QUANTITY, f"发货数量「{row.quantity}」应为正整数"
                continue
            units = int(row.quantity)
        else:
            units = left[line.id]  # no quantity: every unit of the line still waiting
        if units < 1 or units > left[line.id]:
            verdict.outcome = Outcome.BAD_QUANTITY if left[line.id] else Outcome.NOTHING_TO_SHIP
            verdict.message = f"「{line.product_title}」最多还能发 {left[line.id]} 件"
            continue
        left[line.id] -= units
        assert parcel.lines is not None
        parcel.lines[line.id] = parcel.lines.get(line.id, 0) + units

    ready = []
    for parcel in parcels.values():
        if all(v.outcome == Outcome.SHIP for v in parcel.verdicts):
            ready.append(parcel)
            continue
        for v in parcel.verdicts:
            if v.outcome == Outcome.SHIP:
                v.outcome, v.message = Outcome.PARCEL_HAS_ERRORS, "同一运单的其他行有误，整包未发"
    return verdicts, ready


def bulk_preview(*, rows: Sequence[BulkRow]) -> BulkReport:
    verdicts, _ = _plan(rows)
    return BulkReport(verdicts, applied=False)


def bulk_apply(*, rows: Sequence[BulkRow], by: User | None) -> BulkReport:
    """Ship every valid parcel, each in its own transaction (one bad parcel never undoes the
    others); call with no transaction open, since each parcel's WeChat upload runs on commit."""
    verdicts, ready = _plan(rows)
    for parcel in ready:
        try:
            shipment = order_ship(
                order_id=parcel.order.id,
                by=by,
                carrier_code=parcel.carrier.code,
                tracking_no=parcel.tracking_no,
                lines=None if parcel.lines is None else list(parcel.lines.items()),
            )
        except DomainError as exc:  # changed since the plan: paid → refunded, a racing operator...
            for v in parcel.verdicts:
                v.outcome, v.message = Outcome.FAILED, exc.message
            continue
        for v in parcel.verdicts:
            v.outcome, v.shipment_id = Outcome.SHIPPED, shipment.id
    return BulkReport(verdicts, applied=True)
