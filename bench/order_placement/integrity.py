"""After every load segment, the database against the answers: orders = 201 answers, units ordered =
stock that left the SKUs = units held by the new reservations, the hot SKU down one unit per order,
every new order pending payment with its 30-minute deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from common.database import wait_quiet
from order_placement.fixtures import Fixtures


@dataclass
class DbState:
    order_max: int
    line_max: int
    reservation_max: int
    total_stock: int
    hot_stock: int


def db_state(fx: Fixtures) -> DbState:
    from django.db.models import Max, Sum

    from fenxiao.inventory.models import Stock, StockReservation
    from fenxiao.orders.models import Order, OrderLine

    return DbState(
        order_max=Order.objects.aggregate(m=Max("id"))["m"] or 0,
        line_max=OrderLine.objects.aggregate(m=Max("id"))["m"] or 0,
        reservation_max=StockReservation.objects.aggregate(m=Max("id"))["m"] or 0,
        total_stock=Stock.objects.aggregate(s=Sum("quantity"))["s"] or 0,
        hot_stock=Stock.objects.get(pk=fx.hot_sku).quantity,
    )


def verify(fx: Fixtures, before: DbState, scenario: str, answer: dict, cut_off_allowed: int) -> tuple[list[str], int]:
    """What the database says happened during one load segment, against the answers received.
    Returns the failed checks (empty: all good) and how many orders were placed whose answer the
    loader never read (it stopped with them in flight; at most ``cut_off_allowed``)."""
    from django.db import connections
    from django.db.models import Count, F, Sum

    from fenxiao.inventory.models import StockReservation
    from fenxiao.orders.models import Order, OrderLine

    wait_quiet()
    after = db_state(fx)
    created, units = int(answer["created"]), int(answer["units"])
    answered = [int(i) for i in answer.get("order_ids", [])]
    orders = Order.objects.filter(id__gt=before.order_max)
    new_ids = set(orders.values_list("id", flat=True))
    lines = OrderLine.objects.filter(id__gt=before.line_max).aggregate(n=Count("id"), u=Sum("quantity"))
    answered_units = (
        OrderLine.objects.filter(order_id__in=answered).aggregate(u=Sum("quantity"))["u"] or 0 if answered else 0
    )
    res = StockReservation.objects.filter(id__gt=before.reservation_max)
    res_all = res.aggregate(n=Count("id"), u=Sum("quantity"))
    res_held = res.filter(state=StockReservation.State.HELD).aggregate(n=Count("id"), u=Sum("quantity"))
    not_pending = orders.exclude(status="pending_payment").count()
    bad_deadline = orders.exclude(
        payment_deadline__gte=F("created_at") + timedelta(minutes=29),
        payment_deadline__lte=F("created_at") + timedelta(minutes=31),
    ).count()
    line_units = lines["u"] or 0
    stock_out = before.total_stock - after.total_stock
    hot_out = before.hot_stock - after.hot_stock
    cut_off = len(new_ids - set(answered))
    problems = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    check(len(answered) == created, f"{created} answers 201 but {len(answered)} carried an order id")
    check(len(set(answered)) == len(answered), "two 201 answers carried the same order id")
    missing = set(answered) - new_ids
    check(not missing, f"{len(missing)} orders answered 201 are not in the database")
    check(answered_units == units, f"units of the answered orders: {answered_units} in the DB, {units} in the bodies")
    check(
        cut_off <= cut_off_allowed,
        f"{cut_off} orders in the DB without a 201 answer (at most {cut_off_allowed}: in flight at the end or "
        "timed out)",
    )
    check(stock_out == line_units, f"stock decreased by {stock_out} != units in the new order lines {line_units}")
    check(
        (res_held["u"] or 0) == line_units and (res_all["u"] or 0) == line_units,
        f"reservations held {res_held['u'] or 0} / all {res_all['u'] or 0} units != units ordered {line_units}",
    )
    check(res_all["n"] == lines["n"], f"{res_all['n']} reservations for {lines['n']} order lines")
    expected_hot = len(new_ids) if scenario == "hot" else 0
    check(hot_out == expected_hot, f"hot SKU stock decreased by {hot_out}, expected {expected_hot}")
    check(not_pending == 0, f"{not_pending} new orders are not pending payment")
    check(bad_deadline == 0, f"{bad_deadline} new orders without a payment deadline 30 min after creation")
    check(after.hot_stock > 0, "the hot SKU ran out of stock: raise --hot-stock")
    connections.close_all()  # no connection of ours stays open under load
    return problems, cut_off
