"""Shipping a paid order, in one parcel or several, and correcting a tracking number.

Each service is one transaction that locks the order first (``lock_order``), so two operators
shipping the same order at once cannot ship a unit twice. The order becomes ``shipped`` when every
unit that was not refunded has left; until then it stays ``paid`` (待发货) and each parcel writes a
``partially_shipped`` event. The shipping info is uploaded to WeChat after commit, never while the
order row is locked (``wechat_upload.py``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from fenxiao.accounts.models import User
from fenxiao.core.errors import Conflict
from fenxiao.core.extensions import publish_on_commit
from fenxiao.orders.errors import OrderError
from fenxiao.orders.locks import lock_order
from fenxiao.orders.models import OPEN_AFTER_SALE, AfterSaleLine, Order, OrderLine, OrderStatus, Shipment, ShipmentLine
from fenxiao.orders.shipping.selectors import shipment_not_found
from fenxiao.orders.shipping.tracking import Carrier, carrier_get
from fenxiao.orders.shipping.wechat_upload import upload_after_commit
from fenxiao.orders.transitions import order_event_add, order_transition
from fenxiao.payments.models import Payment, PaymentStatus

# ASCII only on purpose: [0-9], not \d, which also matches full-width and other Unicode digits.
TRACKING_NO = re.compile(r"[A-Za-z0-9-]{6,40}")
EDITABLE = (OrderStatus.PAID, OrderStatus.SHIPPED)
Upload = Shipment.UploadState


def tracking_no_clean(value: str) -> str:
    """Carriers print tracking numbers in upper case; storing them so keeps one parcel one row."""
    cleaned = (value or "").strip()
    if not TRACKING_NO.fullmatch(cleaned):
        raise OrderError("TRACKING_NO_INVALID", "运单号应为 6–40 位字母、数字或短横线", field="tracking_no")
    return cleaned.upper()


def shippable_quantities(order: Order, lines: Sequence[OrderLine]) -> dict[int, int]:
    """Units of each line that may leave now: not shipped, not refunded, and not under an open
    after-sale (a buyer asking for a refund before shipping must not receive the goods as well)."""
    held = dict(
        AfterSaleLine.objects.filter(after_sale__order=order, after_sale__status__in=OPEN_AFTER_SALE)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
    )
    return {
        line.id: max(line.quantity - line.shipped_quantity - line.refunded_quantity - held.get(line.id, 0), 0)
        for line in lines
    }


def _plan(
    order: Order, lines: Sequence[OrderLine], requested: Sequence[tuple[int, int]] | None
) -> list[tuple[OrderLine, int]]:
    """Check the whole request before writing anything and answer with one error."""
    available = shippable_quantities(order, lines)
    by_id = {line.id: line for line in lines}
    if requested is None:
        plan = [(line, available[line.id]) for line in lines if available[line.id] > 0]
        if not plan:
            raise Conflict("NOTHING_TO_SHIP", "订单没有待发货的商品")
        return plan
    if not requested:
        raise OrderError("SHIP_LINES_EMPTY", "请至少选择一件要发货的商品", field="lines")
    plan, seen, over = [], set(), []
    for line_id, quantity in requested:
        line = by_id.get(line_id)
        if line is None:
            raise OrderError("SHIP_LINE_INVALID", "发货商品不属于该订单", field="lines")
        if line_id in seen:
            raise OrderError("SHIP_LINE_DUPLICATE", "同一商品在发货单中重复出现", field="lines")
        if quantity < 1:
            raise OrderError("SHIP_QUANTITY_INVALID", "发货数量至少为 1", field="lines")
        seen.add(line_id)
        if quantity > available[line_id]:
            over.append(f"「{line.product_title}」最多还能发 {available[line_id]} 件")
        plan.append((line, quantity))
    if over:
        raise OrderError("SHIP_QUANTITY_EXCEEDED", "；".join(over), field="lines")
    return plan


def _ensure_unused(carrier: Carrier, tracking_no: str, *, exclude_id: int | None = None) -> None:
    taken = Shipment.objects.filter(carrier_code=carrier.code, tracking_no=tracking_no)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise _duplicate()


def _duplicate() -> Conflict:
    return Conflict("SHIPMENT_DUPLICATE", "该运单号已被使用，请核对", field="tracking_no")


def _initial_upload_state(order: Order) -> str:
    """WeChat only wants shipping info for orders paid through WeChat Pay (a transaction id)."""
    paid_by_wechat = (
        Payment.objects.filter(order=order, status=PaymentStatus.SUCCEEDED).exclude(transaction_id=None).exists()
    )
    return Upload.PENDING if paid_by_wechat else Upload.NOT_NEEDED


def _fully_shipped(order: Order) -> bool:
    lines = list(order.lines.values_list("quantity", "shipped_quantity", "refunded_quantity"))
    return any(shipped for _, shipped, _ in lines) and all(
        shipped >= quantity - refunded for quantity, shipped, refunded in lines
    )


def order_ship(
    *,
    order_id: int,
    by: User | None,
    carrier_code: str,
    tracking_no: str,
    lines: Sequence[tuple[int, int]] | None = None,
) -> Shipment:
    """Ship ``lines`` ((order_line_id, quantity) pairs) of a paid order in one parcel, or, with
    ``lines=None``, everything still waiting. Partial shipping is allowed; the order moves to
    ``shipped`` (stamping ``shipped_at``) with the parcel that completes it."""
    carrier = carrier_get(carrier_code)
    tracking_no = tracking_no_clean(tracking_no)
    return _order_ship(order_id=order_id, by=by, carrier=carrier, tracking_no=tracking_no, lines=lines)


@transaction.atomic
def _order_ship(
    *, order_id: int, by: User | None, carrier: Carrier, tracking_no: str, lines: Sequence[tuple[int, int]] | None
) -> Shipment:
    order = lock_order(order_id)
    if order.status != OrderStatus.PAID:
        raise Conflict("ORDER_NOT_SHIPPABLE", "订单当前状态不能发货")
    if order.fulfilment_hold:
        raise Conflict("ORDER_ON_HOLD", f"订单暂不能发货：{order.get_fulfilment_hold_display()}")
    order_lines = list(order.lines.order_by("id"))
    plan = _plan(order, order_lines, lines)
    _ensure_unused(carrier, tracking_no)
    try:
        with transaction.atomic():  # a savepoint: a racing twin of this number must not break the order's transaction
            shipment = Shipment.objects.create(
                order=order,
                carrier_code=carrier.code,
                carrier_name=carrier.name,
                tracking_no=tracking_no,
                shipped_by=by,
                wechat_upload=_initial_upload_state(order),
            )
    except IntegrityError:
        raise _duplicate() from None
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line=line, quantity=quantity) for line, quantity in plan
    )
    for line, quantity in plan:
        OrderLine.objects.filter(pk=line.pk).update(shipped_quantity=F("shipped_quantity") + quantity)
    data = {
        "shipment_id": shipment.id,
        "carrier_code": carrier.code,
        "carrier_name": carrier.name,
        "tracking_no": tracking_no,
        "lines": [{"order_line_id": line.id, "quantity": quantity} for line, quantity in plan],
    }
    note = f"{carrier.name} {tracking_no}"
    if _fully_shipped(order):
        order_transition(order, to=OrderStatus.SHIPPED, event="shipped", actor=by, note=note, data=data)
    else:
        order_event_add(order, type="partially_shipped", actor=by, note=note, data=data)
    if shipment.wechat_upload == Upload.PENDING:
        transaction.on_commit(partial(upload_after_commit, order.id))
    publish_on_commit("order_shipped", order_id=order.id, shipment_id=shipment.id)
    return shipment


def order_shipping_settle(*, order: Order, by: User | None = None) -> bool:
    """For a caller that already holds the order lock (a refund of the last unshipped units of a
    partly shipped order): move the order to ``shipped`` if nothing is left to ship. Returns
    whether it moved."""
    if order.status != OrderStatus.PAID or not _fully_shipped(order):
        return False
    order_transition(order, to=OrderStatus.SHIPPED, event="shipped", actor=by, note="剩余商品已退款，订单发货完成")
    if order.shipments.filter(wechat_upload=Upload.PENDING).exists():
        transaction.on_commit(partial(upload_after_commit, order.id))
    return True


@transaction.atomic
def shipment_update(
    *, shipment_id: int, by: User | None, carrier_code: str | None = None, tracking_no: str | None = None
) -> Shipment:
    """Correct a mistyped carrier or tracking number while the parcel is still on its way. The
    corrected info goes to WeChat again (WeChat accepts one correction per payment)."""
    order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise shipment_not_found()
    order = lock_order(order_id)
    shipment = Shipment.objects.get(pk=shipment_id)
    if order.status not in EDITABLE:
        raise Conflict("SHIPMENT_NOT_EDITABLE", "订单已收货或已关闭，不能修改物流信息")
    carrier = carrier_get(carrier_code if carrier_code is not None else shipment.carrier_code)
    number = tracking_no_clean(tracking_no) if tracking_no is not None else shipment.tracking_no
    if (carrier.code, number) == (shipment.carrier_code, shipment.tracking_no):
        return shipment
    _ensure_unused(carrier, number, exclude_id=shipment.id)
    before = {
        "carrier_code": shipment.carrier_code,
        "carrier_name": shipment.carrier_name,
        "tracking_no": shipment.tracking_no,
    }
    shipment.carrier_code, shipment.carrier_name, shipment.tracking_no = carrier.code, carrier.name, number
    # The old number's trace belongs to another parcel: start over (the sweep subscribes again).
    shipment.trace, shipment.trace_status = [], ""
    shipment.trace_checked_at = shipment.trace_subscribed_at = shipment.delivered_at = None
    fields = ["carrier_code", "carrier_name", "tracking_no", "trace", "trace_status"]
    fields += ["trace_checked_at", "trace_subscribed_at", "delivered_at"]
    if shipment.wechat_upload != Upload.NOT_NEEDED:
        shipment.wechat_upload, shipment.wechat_upload_error = Upload.PENDING, ""
        fields += ["wechat_upload", "wechat_upload_error"]
    try:
        with transaction.atomic():
            shipment.save(update_fields=fields)
    except IntegrityError:
        raise _duplicate() from None
    after = {"carrier_code": carrier.code, "carrier_name": carrier.name, "tracking_no": number}
    order_event_add(
        order,
        type="shipment_updated",
        actor=by,
        note=f"{before['carrier_name']} {before['tracking_no']} → {carrier.name} {number}",
        data={"shipment_id": shipment.id, "before": before, "after": after},
    )
    if shipment.wechat_upload == Upload.PENDING:
        transaction.on_commit(partial(upload_after_commit, order.id))
    return shipment
