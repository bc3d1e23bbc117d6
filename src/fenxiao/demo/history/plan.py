"""The story of the demo shop's last N days, decided up front by a seeded random generator.

A pure function of (seed, days, end, SKUs on offer), the same arguments giving the same story:
who arrives when and through whom, who buys what and when, who pays and who abandons, shipping,
receipt, after-sales, who applies to become a distributor, who goes quiet and who is suspended.
``replay.py`` then makes each of these happen through the real services at its moment.
Keeping the decisions here, apart from the database, makes the history deterministic for a seed
and cheap to reason about: the shape is tuned in this file (the constants below), the rules of
the mall are applied by the services.

The shape (see ``tests/demo/test_history.py`` for the bands it is held to):

- arrivals grow from ~2.5 to ~11 a day (about 900 paid orders in all, ~12 a day at the end),
  with a weekend lift and three two-day promotion spikes;
- about three quarters arrive through a distributor's share, one in seven through a friend's
  invitation (a distributor's invitation also binds them), the rest find the shop on their own;
- most arrivals buy within two days; a buyer of one month buys again the next with p≈0.35;
- about one first-time buyer in five applies to become a distributor within a week and is
  approved; distributors share with a heavy-tailed zeal, many go quiet after a few weeks and
  some of those are suspended;
- a few percent of paid orders come back as refunds: before shipping, after receipt while the
  commission is still frozen, and a few after it settled (a clawback).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .people import Profile, profile

# -- the shape ---------------------------------------------------------------------------------

ARRIVALS_FIRST_DAY = 2.5
ARRIVALS_LAST_DAY = 11.0
WEEKDAY_LIFT = (0.9, 0.92, 0.95, 1.0, 1.1, 1.3, 1.2)  # Monday .. Sunday
PROMOTIONS = ((0.3, 2.0), (0.31, 1.5), (0.6, 1.8), (0.61, 1.4), (0.88, 2.2), (0.89, 1.6))  # (where, lift)
SHARE_ARRIVALS = 0.74
INVITE_ARRIVALS = 0.14
FIRST_BUY = {"share": 0.8, "invite": 0.85, "organic": 0.6, "founder": 0.6}
ABANDONED_FIRST = 0.06  # places an order, never pays it, and never comes back
RETRY_AFTER_ABANDON = 0.07  # places an order, leaves it unpaid, then places it again and pays
REPEAT_NEXT_MONTH = 0.35
ANOTHER_THIS_MONTH = 0.10
COME_BACK_LATER = 0.10
BECOMES_DISTRIBUTOR = 0.22
REJECTED_APPLICATION = 0.03
FOUNDERS = 8
FOUNDER_LEADERS = 2
QUIET_SHARE = 0.65
SUSPENDED_OF_QUIET = 0.2
REFUND_BEFORE_SHIPPING = 0.02
REFUND_WHILE_FROZEN = 0.03
REFUND_AFTER_SETTLEMENT = 0.008
BUYER_CONFIRMS = 0.6
FREEZE_DAYS = 5  # the demo shop settles commission 5 days after receipt, inside the 7-day window
AUTO_RECEIVE_DAYS = 10
SHIPPING_HOURS = (10, 16)
SWEEP_AT = time(23, 55)
HOUR_WEIGHTS = (1, 1, 0, 0, 0, 0, 1, 2, 4, 5, 5, 5, 8, 7, 5, 4, 4, 5, 6, 7, 9, 10, 8, 4)


class SkuOffer(NamedTuple):
    sku_id: int
    price_fen: int
    stock: int


class Action(NamedTuple):
    at: datetime
    kind: str  # configure arrive order cancel ship receive refund approve_refund apply approve reject suspend sweep
    ref: int  # a person's or an order's index (0 for configure and sweep)


@dataclass
class Person:
    idx: int
    arrives_at: datetime
    channel: str  # founder | share | invite | organic
    referrer: int | None  # the person whose share bound them
    inviter: int | None  # the person whose invitation they accepted
    source: str  # link | poster | qrcode
    profile: Profile


@dataclass
class PlannedOrder:
    idx: int
    buyer: int
    at: datetime
    lines: tuple[tuple[int, int], ...]  # (sku_id, quantity)
    paid: bool = True
    refund: str = ""  # "" | "whole" (before shipping) | "unit" (one unit of the first line, after receipt)


@dataclass
class Membership:
    joined_at: datetime
    weight: float
    quiet_at: datetime | None = None
    suspended_at: datetime | None = None

    def shares_at(self, at: datetime) -> bool:
        return self.suspended_at is None and (self.quiet_at is None or at < self.quiet_at)


@dataclass
class HistoryPlan:
    start: datetime
    end: datetime
    people: list[Person] = field(default_factory=list)
    orders: list[PlannedOrder] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    distributors: dict[int, Membership] = field(default_factory=dict)


def _month(at: datetime) -> tuple[int, int]:
    return (at.year, at.month)


def _month_start(year: int, month: int, zone: ZoneInfo) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=zone)


class _Planner:
    def __init__(
        self, *, seed: int, days: int, end: datetime, zone: ZoneInfo, skus: Sequence[SkuOffer], invite_until: datetime
    ) -> None:
        self.rng = random.Random(seed)
        self.zone = zone
        self.end = end
        first_day = end.astimezone(zone).date() - timedelta(days=days - 1)
        self.first_day = first_day
        self.days = days
        self.plan = HistoryPlan(start=self._at(first_day, time(0, 0)), end=end)
        self.invite_until = invite_until
        self.skus = list(skus)
        self.sku_weights = [1 / (i + 5) ** 0.9 for i in range(len(self.skus))]
        self.stock = {s.sku_id: s.stock for s in self.skus}
        self.phones: set[str] = set()
        self.heap: list[tuple[datetime, int, str, int]] = []
        self.seq = 0
        self.first_paid: dict[int, datetime] = {}
        self.month_buyers: set[tuple[int, tuple[int, int]]] = set()
        self.buyers: list[int] = []

    # -- time -----------------------------------------------------------------------------------

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone)

    def _moment(self, day: date) -> datetime:
        hour = self.rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        return self._at(day, time(hour, self.rng.randrange(60), self.rng.randrange(60)))

    def _push(self, at: datetime, kind: str, ref: int = 0) -> None:
        if at < self.end:
            self.seq += 1
            heapq.heappush(self.heap, (at, self.seq, kind, ref))

    def _emit(self, at: datetime, kind: str, ref: int = 0) -> None:
        self.plan.actions.append(Action(at, kind, ref))

    # -- the run ----------------------------------------------------------------------------------

    def run(self) -> HistoryPlan:
        self._emit(self.plan.start, "configure")
        for d in range(self.days):
            day = self.first_day + timedelta(days=d)
            self._push(self._at(day, time(0, 1)), "day", d)
            self._push(self._at(day, SWEEP_AT), "sweep")
        while self.heap:
            at, _seq, kind, ref = heapq.heappop(self.heap)
            getattr(self, f"_on_{kind}")(at, ref)
        return self.plan

    def _on_day(self, at: datetime, d: int) -> None:
        day = at.date()
        if d == 0:
            for i in range(FOUNDERS):
                self._push(self._at(day, time(9, 0)) + timedelta(minutes=20 * i), "arrive", 1)
        base = ARRIVALS_FIRST_DAY + (ARRIVALS_LAST_DAY - ARRIVALS_FIRST_DAY) * d / max(self.days - 1, 1)
        lift = WEEKDAY_LIFT[day.weekday()]
        for where, promo in PROMOTIONS:
            if d == int(where * self.days):
                lift *= promo
        for _ in range(round(base * lift * self.rng.uniform(0.85, 1.15))):
            self._push(self._moment(day), "arrive")

    def _on_sweep(self, at: datetime, _ref: int) -> None:
        self._emit(at, "sweep")

    def _on_arrive(self, at: datetime, founder: int) -> None:
        rng = self.rng
        idx = len(self.plan.people)
        referrer = inviter = None
        source = rng.choice(("link", "link", "poster", "qrcode"))
        if founder:
            channel = "founder"
            if idx >= FOUNDER_LEADERS:
                referrer = idx % FOUNDER_LEADERS
        else:
            roll = rng.random()
            sharing = [(p, m.weight) for p, m in self.plan.distributors.items() if m.shares_at(at)]
            if roll < SHARE_ARRIVALS and sharing:
                channel = "share"
                referrer = rng.choices([p for p, _ in sharing], weights=[w for _, w in sharing])[0]
            elif roll < SHARE_ARRIVALS + INVITE_ARRIVALS and self.buyers and at < self.invite_until:
                channel = "invite"
                inviter = rng.choice(self.buyers)
                member = self.plan.distributors.get(inviter)
                if member is not None and member.shares_at(at):
                    referrer = inviter  # a distributor's invitation carries their share code too
            else:
                channel = "organic"
        person = Person(idx, at, channel, referrer, inviter, source, profile(rng, self.phones))
        self.plan.people.append(person)
        self._emit(at, "arrive", idx)
        if founder:
            self._push(at + timedelta(minutes=5), "apply", idx)
            # The two leaders are approved before the next founder arrives through their share.
            self._push(at + timedelta(minutes=rng.randint(6, 12)), "approve", idx)
        if rng.random() < FIRST_BUY[channel]:
            first = at + timedelta(minutes=rng.randint(3, 60 * 48))
            if founder:
                first += timedelta(days=rng.randint(1, 20))
            self._intent(first, idx, first_time=True)

    def _intent(self, at: datetime, buyer: int, *, first_time: bool = False) -> None:
        """A wish to buy at ``at``: sometimes an unpaid order comes first (cancelled by the buyer
        or by the payment window), and a first-timer now and then never pays at all."""
        roll = self.rng.random()
        if first_time and roll < ABANDONED_FIRST:
            self._push(at, "order", self._new_order(at, buyer, paid=False))
            return
        if roll < ABANDONED_FIRST + RETRY_AFTER_ABANDON:
            self._push(at, "order", self._new_order(at, buyer, paid=False))
            at += timedelta(minutes=self.rng.randint(35, 120))
        self._push(at, "order", self._new_order(at, buyer, paid=True))

    def _new_order(self, at: datetime, buyer: int, *, paid: bool) -> int:
        """Only the index is taken now; the basket is chosen when the order is placed."""
        idx = len(self.plan.orders)
        self.plan.orders.append(PlannedOrder(idx, buyer, at, (), paid))
        return idx

    def _basket(self) -> tuple[tuple[int, int], ...]:
        rng = self.rng
        count = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
        chosen: dict[int, int] = {}
        for _ in range(count * 4):
            offer = rng.choices(self.skus, weights=self.sku_weights)[0]
            qty = rng.choices((1, 2, 3), weights=(75, 20, 5))[0]
            if offer.sku_id in chosen or self.stock[offer.sku_id] < qty + 5:
                continue
            chosen[offer.sku_id] = qty
            if len(chosen) == count:
                break
        return tuple(chosen.items())

    def _on_order(self, at: datetime, idx: int) -> None:
        order = self.plan.orders[idx]
        order.lines = self._basket()
        if not order.lines:
            return
        self._emit(at, "order", idx)
        if not order.paid:
            if self.rng.random() < 0.5:
                self._push(at + timedelta(minutes=self.rng.randint(3, 25)), "cancel", idx)
            return  # otherwise the payment window runs out and the nightly sweep cancels it
        for sku_id, qty in order.lines:
            self.stock[sku_id] -= qty
        self._paid(at, order)
        self._fulfil(at, order)

    def _paid(self, at: datetime, order: PlannedOrder) -> None:
        rng, buyer = self.rng, order.buyer
        if buyer not in self.first_paid:
            self.first_paid[buyer] = at
            self.buyers.append(buyer)
            if buyer not in self.plan.distributors and self.plan.people[buyer].channel != "founder":
                roll = rng.random()
                if roll < BECOMES_DISTRIBUTOR + REJECTED_APPLICATION:
                    applied = at + timedelta(minutes=rng.randint(60, 6 * 24 * 60))
                    decided = applied + timedelta(minutes=rng.randint(120, 30 * 60))
                    self._push(applied, "apply", buyer)
                    self._push(decided, "approve" if roll < BECOMES_DISTRIBUTOR else "reject", buyer)
        year, month = _month(at)
        if (buyer, (year, month)) in self.month_buyers:
            return
        self.month_buyers.add((buyer, (year, month)))
        roll = rng.random()
        if roll < REPEAT_NEXT_MONTH:
            self._intent(self._some_time_in(year, month + 1), buyer)
        elif roll < REPEAT_NEXT_MONTH + COME_BACK_LATER:
            self._intent(self._some_time_in(year, month + 2), buyer)
        if rng.random() < ANOTHER_THIS_MONTH:
            later = at + timedelta(days=rng.randint(3, 20))
            if _month(later) == (year, month):
                self._intent(self._moment(later.date()), buyer)

    def _some_time_in(self, year: int, month: int) -> datetime:
        first = _month_start(year, month, self.zone)
        after = _month_start(year, month + 1, self.zone)
        return self._moment(first.date() + timedelta(days=self.rng.randrange((after - first).days)))

    def _next_shipping(self, at: datetime) -> datetime:
        ready = at + timedelta(hours=3)
        day = ready.date()
        while True:
            for hour in SHIPPING_HOURS:
                slot = self._at(day, time(hour, self.rng.randrange(50)))
                if slot >= ready:
                    return slot
            day += timedelta(days=1)

    def _next_sweep(self, at: datetime) -> datetime:
        sweep = self._at(at.date(), SWEEP_AT)
        return sweep if sweep >= at else sweep + timedelta(days=1)

    def _fulfil(self, at: datetime, order: PlannedOrder) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < REFUND_BEFORE_SHIPPING:
            order.refund = "whole"
            asked = at + timedelta(minutes=rng.randint(20, 150))
            self._push(asked, "refund", order.idx)
            self._push(asked + timedelta(minutes=rng.randint(30, 120)), "approve_refund", order.idx)
            return
        shipped = self._next_shipping(at)
        self._push(shipped, "ship", order.idx)
        if rng.random() < BUYER_CONFIRMS:
            received = shipped + timedelta(minutes=rng.randint(2 * 24 * 60, 5 * 24 * 60))
            self._push(received, "receive", order.idx)
        else:
            received = self._next_sweep(shipped + timedelta(days=AUTO_RECEIVE_DAYS))
        roll = rng.random()
        if roll < REFUND_WHILE_FROZEN:
            asked = received + timedelta(minutes=rng.randint(60, 4 * 24 * 60))
        elif roll < REFUND_WHILE_FROZEN + REFUND_AFTER_SETTLEMENT:
            # The nightly sweep settles at most a day after the freeze ends; the window is 7 days.
            asked = received + timedelta(days=FREEZE_DAYS + 1, minutes=rng.randint(60, 20 * 60))
        else:
            return
        order.refund = "unit"
        self._push(asked, "refund", order.idx)
        self._push(self._next_shipping(asked), "approve_refund", order.idx)

    def _on_apply(self, at: datetime, person: int) -> None:
        self._emit(at, "apply", person)

    def _on_approve(self, at: datetime, person: int) -> None:
        rng = self.rng
        self._emit(at, "approve", person)
        founder = self.plan.people[person].channel == "founder"
        if founder:
            weight = 6.0 if person < FOUNDER_LEADERS else rng.uniform(1.5, 4.0)
        else:
            weight = rng.choices((0.01, 1.0, 3.0), weights=(70, 21, 9))[0]
        member = Membership(joined_at=at, weight=weight)
        if rng.random() < (0.4 if founder else QUIET_SHARE) and person >= FOUNDER_LEADERS:
            member.quiet_at = at + timedelta(days=rng.randint(5, 30))
            if rng.random() < SUSPENDED_OF_QUIET:
                self._push(member.quiet_at + timedelta(days=rng.randint(5, 25)), "suspend", person)
        self.plan.distributors[person] = member

    def _on_reject(self, at: datetime, person: int) -> None:
        self._emit(at, "reject", person)

    def _on_suspend(self, at: datetime, person: int) -> None:
        self._emit(at, "suspend", person)
        self.plan.distributors[person].suspended_at = at

    def _on_cancel(self, at: datetime, idx: int) -> None:
        self._emit(at, "cancel", idx)

    def _on_ship(self, at: datetime, idx: int) -> None:
        self._emit(at, "ship", idx)

    def _on_receive(self, at: datetime, idx: int) -> None:
        self._emit(at, "receive", idx)

    def _on_refund(self, at: datetime, idx: int) -> None:
        self._emit(at, "refund", idx)

    def _on_approve_refund(self, at: datetime, idx: int) -> None:
        self._emit(at, "approve_refund", idx)


def plan_history(
    *,
    seed: int,
    days: int,
    end: datetime,
    zone: ZoneInfo,
    skus: Sequence[SkuOffer],
    invite_until: datetime | None = None,
) -> HistoryPlan:
    """The last ``days`` local days up to ``end`` (today counts as the last, up to ``end``).
    Nothing is planned at or after ``end``; what would fall later simply has not happened yet
    (an order shipped yesterday is still on its way)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if not skus:
        raise ValueError("the history needs SKUs to sell")
    return _Planner(seed=seed, days=days, end=end, zone=zone, skus=skus, invite_until=invite_until or end).run()
