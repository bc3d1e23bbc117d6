"""Order use cases: place, cancel, pay, confirm receipt, complete. Each is one transaction that
locks the order row first (lock order: order → payment → stock by SKU id), moves it through the
state machine (``transitions.py``) and publishes its event after commit. Placing an order has no
order row to lock yet: it locks the buyer's user row first (one placement per shopper at a time),
then stock by SKU id."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Product
from fenxiao.core.errors import Conflict, DomainError
from fenxiao.core.extensions import publish_on_commit
from fenxiao.core.money import fen_to_yuan
from fenxiao.core.observability import metrics
from fenxiao.core.statements import rows_insert
from fenxiao.inventory.reservations import Hold, stock_consume, stock_release, stock_reserve
from fenxiao.orders.checkout import LineRequest, checkout_quote
from fenxiao.orders.errors import OrderError
from fenxiao.orders.locks import lock_buyer, lock_order
from fenxiao.orders.models import OPEN_AFTER_SALE, AfterSale, Order, OrderEvent, OrderHold, OrderLine, OrderStatus
from fenxiao.orders.payment_acceptance import payment_refusal
from fenxiao.orders.placement_hooks import placement_hooks
from fenxiao.orders.selectors import unpaid_orders_up_to
from fenxiao.orders.transitions import order_event_add, order_transition
from fenxiao.payments.hooks import PaymentRefusal
from fenxiao.payments.models import Payment
from fenxiao.payments.reconciliation import payment_close
from fenxiao.payments.selectors import payment_ids_open_for_order

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacedOrder:
    """What placing an order wrote, so the answer needs no read-back."""

    lines: list[OrderLine]
    events: list[OrderEvent]


def new_order_no(prefix: str = "") -> str:
    """Time first (sortable, readable by support staff), then ten random digits. Two orders of the
    same second clash with odds 10⁻¹⁰ a pair: at 300 orders a second about once in 2·10⁵ seconds,
    and ``order_create`` places the order again when it happens."""
    return f"{prefix}{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**10):010d}"


ORDER_NO_ATTEMPTS = 3


def line_reference(line_id: int) -> str:
    return f"order_line:{line_id}"


def _fingerprint(lines: Sequence[LineRequest], address_id: int | None, options: dict[str, Any]) -> str:
    body = json.dumps(
        {"lines": sorted((ln.sku_id, ln.quantity) for ln in lines), "address": address_id, "options": options},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _replayed(user: User, key: str, fingerprint: str) -> Order | None:
    """The order an earlier submit with this key made, if the request is the same one."""
    order = Order.objects.filter(buyer=user, idempotency_key=key).first()
    if order is None:
        return None
    created = order.events.filter(type="created").first()
    if created and created.data.get("fingerprint") != fingerprint:
        raise Conflict("IDEMPOTENCY_KEY_REUSED", "该幂等键已用于另一笔不同的订单")
    return order


def order_create(
    *,
    user: User,
    lines: Sequence[LineRequest],
    address_id: int | None,
    remark: str = "",
    options: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    from_cart: bool = False,
    payment_deadline: datetime | None = None,
    buyer_locked: bool = False,
) -> Order:
    """Place an order exactly as ``checkout_quote`` prices it, holding its stock until payment.

    With an ``Idempotency-Key`` a retried submit (the network dropped the first answer) returns
    the order the first one made, and a key reused for a different basket is refused. A
    ``payment_deadline`` (a seckill's or a group-buy's own window) shortens the shop's payment
    window, never lengthens it; it is written with the order rather than updated after it.
    ``buyer_locked``: the caller's transaction holds the buyer's row lock already (``lock_buyer``'s,
    taken first, as the lock order says), so the placement does not take it again."""
    options = dict(options or {})
    key = (idempotency_key or "").strip() or None
    if key and len(key) > 64:
        raise OrderError("IDEMPOTENCY_KEY_INVALID", "Idempotency-Key 不能超过 64 个字符")
    fingerprint = _fingerprint(lines, address_id, options)
    if key and (existing := _replayed(user, key, fingerprint)):
        return existing
    if address_id is None:
        raise OrderError("ADDRESS_REQUIRED", "请选择收货地址", field="address_id")
    for attempt in range(ORDER_NO_ATTEMPTS):
        try:
            return _order_place(
                user=user,
                lines=lines,
                address_id=address_id,
                remark=remark,
                options=options,
                key=key,
                fingerprint=fingerprint,
                from_cart=from_cart,
                payment_deadline=payment_deadline,
                buyer_locked=buyer_locked,
            )
        except IntegrityError as exc:
            # Two submits with the same key raced: the loser answers with the winner's order.
            if key and (existing := _replayed(user, key, fingerprint)):
                return existing
            # A drawn order number clashed (see ``new_order_no``): place it again. The
            # whole placement is retried rather than the insert alone, which would cost every
            # order a savepoint.
            if "order_no" not in str(exc) or attempt == ORDER_NO_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _ensure_unpaid_room(user: User, *, buyer_locked: bool) -> None:
    """An unpaid order holds its stock for the payment window, so one shopper may hold at most
    ``ORDER_MAX_UNPAID_ORDERS`` of them: nobody locks a SKU's stock away in orders never paid. The
    buyer's row is locked first (FOR NO KEY UPDATE, as a seckill purchase already does), so two
    placements by one shopper at once cannot both pass the count; other shoppers never wait. A
    caller that holds that lock in this transaction already (a seckill purchase) says so, and the
    row is not locked a second time."""
    limit = settings.ORDER_MAX_UNPAID_ORDERS
    if not limit:
        return
    if not buyer_locked:
        lock_buyer(user.pk)
    unpaid = unpaid_orders_up_to(buyer_id=user.pk, cap=limit)
    if unpaid >= limit:
        raise Conflict(
            "ORDER_UNPAID_LIMIT", f"您有 {unpaid} 笔待付款订单，请先完成支付或取消后再下单（最多 {limit} 笔）"
        )


@transaction.atomic
def _order_place(
    *,
    user: User,
    lines: Sequence[LineRequest],
    address_id: int,
    remark: str,
    options: dict[str, Any],
    key: str | None,
    fingerprint: str,
    from_cart: bool,
    payment_deadline: datetime | None,
    buyer_locked: bool,
) -> Order:
    _ensure_unpaid_room(user, buyer_locked=buyer_locked)
    # Stock is checked by the conditional update below, not by the quote: the quote's read
    # could be stale by the time we write.
    priced = checkout_quote(user=user, lines=lines, address_id=address_id, options=options, check_stock=False)
    quote, address = priced.quote, priced.address
    assert address is not None
    deadline = timezone.now() + settings.ORDER_PAYMENT_WINDOW
    if payment_deadline is not None:
        deadline = min(deadline, payment_deadline)
    order = Order(
        order_no=new_order_no(),
        buyer=user,
        goods_fen=quote.goods_fen,
        shipping_fen=quote.shipping_fen,
        discount_fen=quote.discount_fen,
        payable_fen=quote.payable_fen,
        adjustments=[
            {"kind": d.kind, "label": d.label, "amount_fen": d.amount_fen, "data": d.data} for d in quote.discounts
        ],
        receiver=address.receiver,
        receiver_phone=address.phone,
        province=address.province,
        city=address.city,
        district=address.district,
        address_detail=address.detail,
        remark=remark.strip()[:200],
        idempotency_key=key,
        payment_deadline=deadline,
    )
    rows_insert([order])
    order_lines = rows_insert(
        [
            OrderLine(
                order=order,
                sku_id=q.sku_id,
                product_id=q.product_id,
                product_title=q.title[:120],
                sku_code=q.sku_code,
                sku_specs=q.specs[:200],
                image=q.image[:300],
                unit_price_fen=q.unit_price_fen,
                quantity=q.quantity,
                goods_fen=q.goods_fen,
                discount_fen=q.discount_fen,
                paid_fen=q.paid_fen,
                weight_g=q.weight_g,
            )
            for q in quote.lines
        ]
    )
    titles = {q.sku_id: q.title for q in quote.lines}
    stock_reserve(
        holds=[Hold(line_reference(line.id), line.sku_id, line.quantity) for line in order_lines],
        describe=titles.get,
    )
    for provider, discount in priced.granted:
        provider.commit(priced.ctx, [discount], order)
    for hook in placement_hooks.all():
        hook(order)
    created = order_event_add(
        order, type="created", actor=user, to_status=order.status, data={"fingerprint": fingerprint}
    )
    if from_cart:
        from fenxiao.orders.cart.services import cart_remove_skus

        cart_remove_skus(user_id=user.id, sku_ids=[q.sku_id for q in quote.lines])
    publish_on_commit("order_created", order_id=order.id)
    metrics.order_placed()
    # What was just written is what the shopper is shown: no need to read it back.
    order.placed = PlacedOrder(lines=list(order_lines), events=[created])
    return order


def _line_references(order: Order) -> list[str]:
    return [line_reference(pk) for pk in order.lines.values_list("pk", flat=True)]


def order_cancel(*, order_id: int, by: User | None, reason: str = "", at: datetime | None = None) -> Order:
    """An unpaid order is cancelled by its buyer, an operator, its promotion or the payment-timeout
    sweep; its stock goes back, and through ``order_cancelled`` its coupon, seckill unit and group
    seat. Cancelling a cancelled order changes nothing.

    A payment the buyer could still complete is closed at WeChat first, holding no lock (an HTTP
    call). If WeChat answers that it was paid, the claim pays the order and the cancel is refused
    (ORDER_NOT_CANCELLABLE): the order is paid. If WeChat cannot be reached the cancel is refused
    too (502), because only a closed payment makes the cancel final; the buyer or the sweep tries
    again. A payment opened while the cancel ran is closed right after it, and money that arrives
    anyway is refused by the order and refunded in full (``payment_acceptance``)."""
    _close_open_payments(order_id)
    order = _order_cancel(order_id=order_id, by=by, reason=reason, at=at)
    try:
        _close_open_payments(order_id)
    except DomainError as exc:  # closed at its deadline by the expired-payments sweep
        logger.warning("order %s cancelled, closing a payment opened meanwhile failed: %s", order_id, exc.code)
    return order


def _close_open_payments(order_id: int) -> None:
    for payment_id in payment_ids_open_for_order(order_id=order_id):
        payment_close(payment_id=payment_id)


@transaction.atomic
def _order_cancel(*, order_id: int, by: User | None, reason: str, at: datetime | None) -> Order:
    order = lock_order(order_id)
    if order.status == OrderStatus.CANCELLED:
        return order
    order_transition(order, to=OrderStatus.CANCELLED, event="cancelled", actor=by, note=reason, at=at)
    stock_release(references=_line_references(order))
    publish_on_commit("order_cancelled", order_id=order.id)
    return order


@transaction.atomic
def order_payment_receive(*, order_id: int, payment: Payment) -> PaymentRefusal | None:
    """Payments' handler for money WeChat reports paid (once per payment, inside its claim).

    ``payment_refusal`` decides whether the order still wants it. A refused payment changes
    nothing but the order's trail: payments gives the money back in full. Otherwise the held stock
    is sold and the order is paid (``order_paid``)."""
    order = lock_order(order_id)
    refusal = payment_refusal(order_status=order.status, payable_fen=order.payable_fen, amount_fen=payment.amount_fen)
    if refusal is not None:
        order_event_add(
            order,
            type="payment_refused",
            note=f"{refusal.message}，该笔款项 {fen_to_yuan(payment.amount_fen)} 元将全额原路退回",
            data={
                "code": refusal.code,
                "out_trade_no": payment.out_trade_no,
                "transaction_id": payment.transaction_id,
                "amount_fen": payment.amount_fen,
            },
        )
        return refusal
    stock_consume(references=_line_references(order))
    order.paid_fen = payment.amount_fen
    order_transition(
        order,
        to=OrderStatus.PAID,
        event="paid",
        extra_fields=("paid_fen",),
        data={"out_trade_no": payment.out_trade_no, "transaction_id": payment.transaction_id},
    )
    for product_id, quantity in order.lines.values_list("product_id", "quantity"):
        Product.objects.filter(pk=product_id).update(sales_count=F("sales_count") + quantity)
    publish_on_commit("order_paid", order_id=order.id)
    return None


@transaction.atomic
def order_confirm_receipt(*, order_id: int, by: User | None, at: datetime | None = None) -> Order:
    """The buyer confirms, or the sweep does it ``ORDER_AUTO_RECEIVE_AFTER`` after shipping; from
    now the after-sales window runs."""
    order = lock_order(order_id)
    order_transition(
        order,
        to=OrderStatus.RECEIVED,
        event="received" if by else "auto_received",
        actor=by,
        note="" if by else "超时自动确认收货",
        at=at,
    )
    publish_on_commit("order_received", order_id=order.id)
    return order


def order_hold_set(*, order: Order, hold: OrderHold) -> None:
    """A promotion placing ``order`` (inside the placement transaction) keeps it from shipping
    until the promotion succeeds: a group-buy must fill first, or every member is refunded."""
    Order.objects.filter(pk=order.pk).update(fulfilment_hold=hold)
    order.fulfilment_hold = hold


@transaction.atomic
def order_hold_release(*, order_id: int, hold: OrderHold, note: str) -> bool:
    """The promotion succeeded: the order joins the shipping queue. Releasing twice, or a hold
    the order does not carry, changes nothing (returns False)."""
    order = lock_order(order_id)
    if order.fulfilment_hold != hold:
        return False
    order.fulfilment_hold = OrderHold.NONE
    order.save(update_fields=["fulfilment_hold", "updated_at"])
    order_event_add(order, type="hold_released", note=note, data={"hold": str(hold)})
    return True


def has_open_after_sale(order: Order) -> bool:
    return AfterSale.objects.filter(order=order, status__in=OPEN_AFTER_SALE).exists()


@transaction.atomic
def order_complete(*, order_id: int, at: datetime | None = None) -> Order | None:
    """The after-sales window ended with nothing open: the order is final, and commission on it
    can settle (``order_completed``). Returns None when it cannot complete yet."""
    order = lock_order(order_id)
    if order.status != OrderStatus.RECEIVED or has_open_after_sale(order):
        return None
    order_transition(order, to=OrderStatus.COMPLETED, event="completed", at=at)
    publish_on_commit("order_completed", order_id=order.id)
    return order
