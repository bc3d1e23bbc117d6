"""Live maintenance of the rollups from the order, payment, refund and commission events.

Each order's contribution is kept as an ``OrderFact``: the first time a paid order is seen its
whole contribution is added; later (its commission reversed by a refund, booked late) the rollups
move by the difference between what the source rows say now and what the fact holds. A replayed
event therefore adds nothing, and a missed one is caught by the reconciliation sweep.

Everything one buyer's orders touch is serialised on that buyer's ``BuyerProfile`` row (taken
first, the only lock these services take before their counter updates), so two payments of the
same buyer cannot both believe they are the first order or both create the same paid day.

The rows several buyers share (a day's ``SalesDay``, a product's day, a month's "who sold" bits)
are moved only at the end of each service, all together, in one global order (``Moves``): tables
in ``MOVE_ORDER``, rows by key, then the sold bits. Moved as they came, a buyer whose first order
moves from day 5 to day 3 held day 3's row while waiting for day 5's, as another buyer of day 5
held that row while waiting for the product's month bits the first held: a deadlock PostgreSQL
broke by failing one event."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Model

from fenxiao.analytics.models import (
    FIRST_PURCHASE,
    BuyerDay,
    BuyerProfile,
    BuyerReturnMonth,
    BuyerSource,
    DistributorDay,
    OrderFact,
    ProductDay,
    RefundFact,
    SalesDay,
    SoldMonth,
)
from fenxiao.analytics.periods import month_start
from fenxiao.analytics.rollups.counters import bump
from fenxiao.analytics.rollups.sold_months import sold_on
from fenxiao.analytics.rollups.source import (
    OrderContribution,
    acquisition_sources,
    converted_buyers,
    order_contribution,
    succeeded_refunds,
)
from fenxiao.orders.models import Order
from fenxiao.payments.models import Refund

# The shared counters, in the order every service moves them (then ``SoldMonth``/``SoldYear``,
# through ``sold_on``, distributors before products).
MOVE_ORDER: tuple[type[Model], ...] = (SalesDay, BuyerReturnMonth, DistributorDay, ProductDay)


class Moves:
    """Counter moves collected during a service and applied at its end in ``MOVE_ORDER``."""

    def __init__(self) -> None:
        self._rows: dict[tuple[type[Model], tuple[tuple[str, Any], ...]], Counter[str]] = {}

    def add(self, model: type[Model], key: dict[str, Any], **deltas: int) -> None:
        moved = self._rows.setdefault((model, tuple(sorted(key.items()))), Counter())
        moved.update(deltas)

    def apply(self) -> None:
        sold: dict[str, dict[date, list[int]]] = {SoldMonth.Kind.DISTRIBUTOR: {}, SoldMonth.Kind.PRODUCT: {}}
        for model in MOVE_ORDER:
            rows = sorted(((key, deltas) for (m, key), deltas in self._rows.items() if m is model), key=lambda r: r[0])
            for key, deltas in rows:
                fields = dict(key)
                # A day's bit in ``SoldMonth`` is set with the day's row, not again for every order.
                if bump(model, fields, **deltas) and model in (DistributorDay, ProductDay):
                    kind = SoldMonth.Kind.DISTRIBUTOR if model is DistributorDay else SoldMonth.Kind.PRODUCT
                    entity = fields["distributor_id"] if model is DistributorDay else fields["product_id"]
                    sold[kind].setdefault(fields["day"], []).append(entity)
        for kind in (SoldMonth.Kind.DISTRIBUTOR, SoldMonth.Kind.PRODUCT):
            for day, entity_ids in sorted(sold[kind].items()):
                sold_on(kind=kind, entity_ids=entity_ids, day=day)
        self._rows.clear()


def return_month(prev_day: date | None) -> date:
    return FIRST_PURCHASE if prev_day is None else month_start(prev_day)


def _lock_buyer(buyer_id: int) -> BuyerProfile:
    BuyerProfile.objects.bulk_create([BuyerProfile(buyer_id=buyer_id)], ignore_conflicts=True)
    return BuyerProfile.objects.select_for_update().get(pk=buyer_id)


def _paid_buyer(order_id: int) -> int | None:
    return Order.objects.filter(pk=order_id, paid_at__isnull=False).values_list("buyer_id", flat=True).first()


@transaction.atomic
def order_fact_refresh(*, order_id: int) -> None:
    """Bring the rollups in line with one order as its rows stand now. An unpaid order adds nothing."""
    buyer_id = _paid_buyer(order_id)
    if buyer_id is None:
        return
    profile = _lock_buyer(buyer_id)
    now = order_contribution(order_id)
    if now is None:
        return
    fact = OrderFact.objects.filter(pk=order_id).first()
    moves = Moves()
    if fact is None:
        _count_order(moves, now)
        OrderFact.objects.create(
            order_id=now.order_id,
            day=now.day,
            buyer_id=now.buyer_id,
            distributor_id=now.distributor_id,
            referred=now.referred,
            gmv_fen=now.gmv_fen,
            units=now.units,
            commission_fen=now.commission_fen,
        )
        _claim_first_order(moves, profile, now)
        moves.apply()
        return
    delta = now.commission_fen - fact.commission_fen
    if delta:
        OrderFact.objects.filter(pk=order_id).update(commission_fen=now.commission_fen)
        moves.add(SalesDay, {"day": fact.day}, commission_fen=delta)
        if profile.first_order_id == order_id and profile.source == BuyerSource.DISTRIBUTION:
            moves.add(SalesDay, {"day": profile.first_day}, new_buyer_commission_fen=delta)
        moves.apply()


@transaction.atomic
def order_refunds_refresh(*, order_id: int) -> None:
    """Count each succeeded refund of a paid order once, on the day it succeeded."""
    buyer_id = _paid_buyer(order_id)
    if buyer_id is None:
        return
    _lock_buyer(buyer_id)
    known = set(RefundFact.objects.filter(order_id=order_id).values_list("refund_id", flat=True))
    moves = Moves()
    for refund_id, _order_id, day, amount_fen in succeeded_refunds(Refund.objects.filter(order_id=order_id)):
        if refund_id in known:
            continue
        RefundFact.objects.create(refund_id=refund_id, order_id=order_id, day=day, amount_fen=amount_fen)
        moves.add(SalesDay, {"day": day}, refund_fen=amount_fen)
    moves.apply()


def _count_order(moves: Moves, c: OrderContribution) -> None:
    moves.add(
        SalesDay,
        {"day": c.day},
        gmv_fen=c.gmv_fen,
        paid_orders=1,
        units=c.units,
        referred_gmv_fen=c.gmv_fen if c.referred else 0,
        commission_fen=c.commission_fen,
    )
    if c.distributor_id is not None:
        moves.add(
            DistributorDay,
            {"distributor_id": c.distributor_id, "day": c.day},
            orders=1,
            units=c.units,
            gmv_fen=c.gmv_fen,
        )
    for product_id, (units, gmv_fen) in sorted(c.products.items()):
        moves.add(ProductDay, {"product_id": product_id, "day": c.day}, orders=1, units=units, gmv_fen=gmv_fen)
    _add_paid_day(moves, c.buyer_id, c.day, c.gmv_fen)


def _add_paid_day(moves: Moves, buyer_id: int, day: date, gmv_fen: int) -> None:
    """One more paid order of the buyer on ``day``. A new paid day takes its place in the buyer's
    chain of days: it comes back from the previous one, and the next one now comes back from it."""
    if BuyerDay.objects.filter(buyer_id=buyer_id, day=day).update(
        orders=F("orders") + 1, gmv_fen=F("gmv_fen") + gmv_fen
    ):
        return
    days = BuyerDay.objects.filter(buyer_id=buyer_id)
    prev_day = days.filter(day__lt=day).order_by("-day").values_list("day", flat=True).first()
    following = days.filter(day__gt=day).order_by("day").values_list("day", "prev_day").first()
    BuyerDay.objects.create(buyer_id=buyer_id, day=day, prev_day=prev_day, orders=1, gmv_fen=gmv_fen)
    moves.add(SalesDay, {"day": day}, buyers=1)
    moves.add(BuyerReturnMonth, {"day": day, "prev_month": return_month(prev_day)}, buyers=1)
    if following is not None:
        next_day, was = following
        days.filter(day=next_day).update(prev_day=day)
        moves.add(BuyerReturnMonth, {"day": next_day, "prev_month": return_month(was)}, buyers=-1)
        moves.add(BuyerReturnMonth, {"day": next_day, "prev_month": return_month(day)}, buyers=1)


def _claim_first_order(moves: Moves, profile: BuyerProfile, c: OrderContribution) -> None:
    """The order becomes the buyer's first paid order if none is known or it was paid earlier
    than the one recorded (events can arrive out of order)."""
    if profile.first_paid_at is not None and (profile.first_paid_at, profile.first_order_id) <= (
        c.paid_at,
        c.order_id,
    ):
        return
    if profile.first_order_id is not None:
        old = OrderFact.objects.filter(pk=profile.first_order_id).values_list("commission_fen", flat=True).first()
        count_new_buyer(
            moves,
            day=profile.first_day,
            source=profile.source,
            commission_fen=old or 0,
            converted=profile.converted,
            sign=-1,
        )
    source = acquisition_sources({c.buyer_id: (c.paid_at, c.referred)})[c.buyer_id]
    profile.first_order_id, profile.first_paid_at, profile.first_day = c.order_id, c.paid_at, c.day
    profile.source = source
    profile.converted = c.buyer_id in converted_buyers({c.buyer_id: c.paid_at})
    profile.save(update_fields=["first_order_id", "first_paid_at", "first_day", "source", "converted"])
    count_new_buyer(
        moves, day=c.day, source=source, commission_fen=c.commission_fen, converted=profile.converted, sign=1
    )


@transaction.atomic
def buyer_conversion_refresh(*, user_id: int) -> None:
    """Count the user on their first-paid day's ``converted_buyers`` if they became a distributor
    within the window after their first paid order, exactly once (the profile records it).

    The profile row is taken the way a payment takes it, so a join that commits while the user's
    first payment is being counted is seen by one of the two."""
    profile = _lock_buyer(user_id)
    if profile.first_paid_at is None:
        return  # not a buyer yet: their first payment decides (joining first is no conversion)
    converted = user_id in converted_buyers({user_id: profile.first_paid_at})
    if converted == profile.converted:
        return
    profile.converted = converted
    profile.save(update_fields=["converted"])
    bump(SalesDay, {"day": profile.first_day}, converted_buyers=1 if converted else -1)  # one row


def count_new_buyer(moves: Moves, *, day: date, source: str, commission_fen: int, converted: bool, sign: int) -> None:
    moves.add(
        SalesDay,
        {"day": day},
        new_buyers=sign,
        **{f"new_buyers_{source}": sign},
        new_buyer_commission_fen=sign * commission_fen if source == BuyerSource.DISTRIBUTION else 0,
        converted_buyers=sign if converted else 0,
    )
