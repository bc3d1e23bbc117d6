"""Rebuilding a day of rollups from the source rows, and proving it equal to what the live
maintenance kept. The reconciliation sweep runs it over the latest days; ``fenxiao
analytics_rebuild`` over any range (after a bulk import, or to prove a past day)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction

from fenxiao.analytics.models import (
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
from fenxiao.analytics.periods import DayRange, local_day
from fenxiao.analytics.rollups.facts import return_month
from fenxiao.analytics.rollups.sold_months import not_sold_on, sold_on, sold_that_day
from fenxiao.analytics.rollups.source import (
    OrderContribution,
    acquisition_sources,
    contributions,
    converted_buyers,
    first_paid_order,
    order_contribution,
    previous_paid_days,
    succeeded_refunds,
)
from fenxiao.orders.models import Order
from fenxiao.payments.models import Refund

logger = logging.getLogger(__name__)

SALES_FIELDS = tuple(f.name for f in SalesDay._meta.fields if f.name != "day")


@dataclass
class DayState:
    """Every rollup row of one day, as plain values that compare with ``==``."""

    sales: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SALES_FIELDS, 0))
    distributors: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # orders, units, gmv
    products: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    buyer_days: dict[int, tuple[date | None, int, int]] = field(default_factory=dict)  # prev, orders, gmv
    returns: dict[date, int] = field(default_factory=dict)
    facts: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    refunds: dict[int, tuple[int, int]] = field(default_factory=dict)  # order, amount
    # first order, paid_at, source, converted
    profiles: dict[int, tuple[int, datetime, str, bool]] = field(default_factory=dict)
    sold: dict[str, set[int]] = field(default_factory=dict)  # SoldMonth kind → what sold that day


@dataclass(frozen=True)
class DayCheck:
    day: date
    differences: tuple[str, ...]
    repaired: bool

    @property
    def equal(self) -> bool:
        return not self.differences


def _add(table: dict, key: Any, *values: int) -> None:
    have = table.get(key, (0,) * len(values))
    table[key] = tuple(a + b for a, b in zip(have, values, strict=True))


def _fact_row(c: OrderContribution) -> tuple[Any, ...]:
    return (c.day, c.buyer_id, c.distributor_id, c.referred, c.gmv_fen, c.units, c.commission_fen)


def day_from_source(day: date) -> DayState:
    """What the rollups of ``day`` must hold, computed from orders, lines, referral snapshots,
    commission records, invites and refunds alone."""
    span = DayRange(day, day)
    state = DayState()
    orders = contributions(Order.objects.filter(paid_at__gte=span.start, paid_at__lt=span.end))
    sales = state.sales
    for c in orders:
        sales["gmv_fen"] += c.gmv_fen
        sales["paid_orders"] += 1
        sales["units"] += c.units
        sales["referred_gmv_fen"] += c.gmv_fen if c.referred else 0
        sales["commission_fen"] += c.commission_fen
        state.facts[c.order_id] = _fact_row(c)
        if c.distributor_id is not None:
            _add(state.distributors, c.distributor_id, 1, c.units, c.gmv_fen)
        for product_id, (units, gmv_fen) in c.products.items():
            _add(state.products, product_id, 1, units, gmv_fen)

    by_buyer: dict[int, list[OrderContribution]] = defaultdict(list)
    for c in orders:
        by_buyer[c.buyer_id].append(c)
    before = previous_paid_days(by_buyer, before=span.start)
    for buyer_id, theirs in by_buyer.items():
        prev_day = before.get(buyer_id)
        state.buyer_days[buyer_id] = (prev_day, len(theirs), sum(c.gmv_fen for c in theirs))
        month = return_month(prev_day)
        state.returns[month] = state.returns.get(month, 0) + 1
    sales["buyers"] = len(by_buyer)

    firsts = {
        b: min(theirs, key=lambda c: (c.paid_at, c.order_id)) for b, theirs in by_buyer.items() if b not in before
    }
    sources = acquisition_sources({b: (c.paid_at, c.referred) for b, c in firsts.items()})
    converted = converted_buyers({b: c.paid_at for b, c in firsts.items()})
    for buyer_id, first in firsts.items():
        source = sources[buyer_id]
        state.profiles[buyer_id] = (first.order_id, first.paid_at, source, buyer_id in converted)
        sales["new_buyers"] += 1
        sales[f"new_buyers_{source}"] += 1
        sales["converted_buyers"] += buyer_id in converted
        if source == BuyerSource.DISTRIBUTION:
            sales["new_buyer_commission_fen"] += first.commission_fen

    state.sold = {SoldMonth.Kind.DISTRIBUTOR: set(state.distributors), SoldMonth.Kind.PRODUCT: set(state.products)}
    for refund_id, order_id, _day, amount_fen in succeeded_refunds(
        Refund.objects.filter(succeeded_at__gte=span.start, succeeded_at__lt=span.end)
    ):
        state.refunds[refund_id] = (order_id, amount_fen)
        sales["refund_fen"] += amount_fen
    return state


def day_as_stored(day: date) -> DayState:
    state = DayState()
    stored = SalesDay.objects.filter(day=day).values(*SALES_FIELDS).first()
    if stored:
        state.sales = dict(stored)
    state.distributors = {
        d: (o, u, g)
        for d, o, u, g in DistributorDay.objects.filter(day=day).values_list(
            "distributor_id", "orders", "units", "gmv_fen"
        )
        if (o, u, g) != (0, 0, 0)
    }
    state.products = {
        p: (o, u, g)
        for p, o, u, g in ProductDay.objects.filter(day=day).values_list("product_id", "orders", "units", "gmv_fen")
        if (o, u, g) != (0, 0, 0)
    }
    state.buyer_days = {
        b: (p, o, g)
        for b, p, o, g in BuyerDay.objects.filter(day=day).values_list("buyer_id", "prev_day", "orders", "gmv_fen")
    }
    state.returns = dict(BuyerReturnMonth.objects.filter(day=day).exclude(buyers=0).values_list("prev_month", "buyers"))
    state.facts = {
        row[0]: tuple(row[1:])
        for row in OrderFact.objects.filter(day=day).values_list(
            "order_id", "day", "buyer_id", "distributor_id", "referred", "gmv_fen", "units", "commission_fen"
        )
    }
    state.refunds = {
        r: (o, a) for r, o, a in RefundFact.objects.filter(day=day).values_list("refund_id", "order_id", "amount_fen")
    }
    state.sold = {kind: sold_that_day(kind=kind, day=day) for kind in SoldMonth.Kind.values}
    state.profiles = {
        b: (o, at, s, c)
        for b, o, at, s, c in BuyerProfile.objects.filter(first_day=day).values_list(
            "buyer_id", "first_order_id", "first_paid_at", "source", "converted"
        )
    }
    return state


def differences(want: DayState, have: DayState) -> list[str]:
    out = []
    for name in ("sales", "distributors", "products", "buyer_days", "returns", "facts", "refunds", "profiles", "sold"):
        w, h = getattr(want, name), getattr(have, name)
        if w == h:
            continue
        if name == "sales":
            out += [f"sales.{k}: {h.get(k)} → {w[k]}" for k in SALES_FIELDS if w[k] != h.get(k)]
        else:
            keys = sorted((set(w) ^ set(h)) | {k for k in set(w) & set(h) if w[k] != h[k]}, key=str)
            out.append(f"{name}: {len(keys)} differ, e.g. {keys[:5]}")
    return out


def rollups_rebuild_day(*, day: date, repair: bool = True) -> DayCheck:
    """Compare the stored rollups of ``day`` with the source; replace them when they differ."""
    want = day_from_source(day)
    diffs = differences(want, day_as_stored(day))
    if diffs and repair:
        _replace(day, want)
        logger.warning("analytics: rollups of %s differed from the source and were rebuilt: %s", day, diffs)
    return DayCheck(day=day, differences=tuple(diffs), repaired=bool(diffs) and repair)


@transaction.atomic
def _replace(day: date, want: DayState) -> None:
    SalesDay.objects.update_or_create(day=day, defaults=want.sales)
    DistributorDay.objects.filter(day=day).delete()
    DistributorDay.objects.bulk_create(
        DistributorDay(distributor_id=d, day=day, orders=o, units=u, gmv_fen=g)
        for d, (o, u, g) in want.distributors.items()
    )
    ProductDay.objects.filter(day=day).delete()
    ProductDay.objects.bulk_create(
        ProductDay(product_id=p, day=day, orders=o, units=u, gmv_fen=g) for p, (o, u, g) in want.products.items()
    )
    BuyerDay.objects.filter(day=day).delete()
    BuyerDay.objects.bulk_create(
        BuyerDay(buyer_id=b, day=day, prev_day=p, orders=o, gmv_fen=g) for b, (p, o, g) in want.buyer_days.items()
    )
    BuyerReturnMonth.objects.filter(day=day).delete()
    BuyerReturnMonth.objects.bulk_create(
        BuyerReturnMonth(day=day, prev_month=m, buyers=n) for m, n in want.returns.items()
    )
    OrderFact.objects.filter(day=day).delete()
    OrderFact.objects.filter(pk__in=list(want.facts)).delete()
    fields = ("day", "buyer_id", "distributor_id", "referred", "gmv_fen", "units", "commission_fen")
    OrderFact.objects.bulk_create(
        OrderFact(order_id=o, **dict(zip(fields, row, strict=True))) for o, row in want.facts.items()
    )
    RefundFact.objects.filter(day=day).delete()
    RefundFact.objects.filter(pk__in=list(want.refunds)).delete()
    RefundFact.objects.bulk_create(
        RefundFact(refund_id=r, order_id=o, day=day, amount_fen=a) for r, (o, a) in want.refunds.items()
    )
    _replace_profiles(day, want)
    for kind, ids in want.sold.items():
        not_sold_on(kind=kind, entity_ids=sold_that_day(kind=kind, day=day) - ids, day=day)
        sold_on(kind=kind, entity_ids=ids, day=day)


def _replace_profiles(day: date, want: DayState) -> None:
    wanted = [
        BuyerProfile(buyer_id=b, first_order_id=o, first_paid_at=at, first_day=day, source=source, converted=c)
        for b, (o, at, source, c) in want.profiles.items()
    ]
    have = set(BuyerProfile.objects.filter(pk__in=list(want.profiles)).values_list("pk", flat=True))
    BuyerProfile.objects.bulk_create([p for p in wanted if p.buyer_id not in have])
    BuyerProfile.objects.bulk_update(
        [p for p in wanted if p.buyer_id in have],
        ["first_order_id", "first_paid_at", "first_day", "source", "converted"],
        batch_size=500,
    )
    # A profile that named this day wrongly: its buyer's first order is elsewhere (that day's
    # rebuild recounts it) or there is none.
    for profile in BuyerProfile.objects.filter(first_day=day).exclude(buyer_id__in=list(want.profiles)):
        first = first_paid_order(profile.buyer_id)
        if first is None:
            profile.first_order_id = profile.first_paid_at = profile.first_day = None
            profile.source = ""
            profile.converted = False
        else:
            order_id, paid_at = first
            found = order_contribution(order_id)
            referred = found is not None and found.referred
            profile.first_order_id, profile.first_paid_at, profile.first_day = order_id, paid_at, local_day(paid_at)
            profile.source = acquisition_sources({profile.buyer_id: (paid_at, referred)})[profile.buyer_id]
            profile.converted = profile.buyer_id in converted_buyers({profile.buyer_id: paid_at})
        profile.save()


def rollups_rebuild(*, first: date, last: date, repair: bool = True) -> list[DayCheck]:
    """Every day of ``first``..``last``, oldest first (a day's buyers come back from earlier days)."""
    checks = []
    day = first
    while day <= last:
        checks.append(rollups_rebuild_day(day=day, repair=repair))
        day += timedelta(days=1)
    return checks
