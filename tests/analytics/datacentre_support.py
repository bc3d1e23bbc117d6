"""A shop with two months of history made through the real services (sandbox payments, after-
sales refunds, cancellations, bindings, invites, shoppers turning distributor), and an
independent recomputation of every data-centre figure straight from the raw rows — written
without the product's rollups, sources or periods, so the two can only agree by being right."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Product
from fenxiao.distribution.models import CommissionRecord, Distributor, DistributorStatus, OrderReferral
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import distributor_create
from fenxiao.orders.aftersales.review import aftersale_approve
from fenxiao.orders.models import Order, OrderLine
from fenxiao.orders.services import order_cancel
from fenxiao.payments.models import Refund
from fenxiao.promotions.coupons.templates import coupon_template_create
from fenxiao.promotions.invites.acceptance import invite_accept, invite_code_ensure
from fenxiao.promotions.invites.campaigns import invite_campaign_create
from fenxiao.promotions.invites.models import Invite
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user
from tests.order_support import place_order
from tests.orders.aftersales.support import ask, lines_of, pay

BEIJING = ZoneInfo("Asia/Shanghai")
START = date(2026, 9, 1)
DAYS = 70


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


@dataclass
class History:
    first_day: date
    last_day: date
    orders: int
    refunds: int


def _reward(name: str) -> int:
    """A 满100减1 coupon: a reward that barely moves the prices of the history."""
    return coupon_template_create(
        fields={
            "name": name,
            "kind": "fixed",
            "amount_fen": 100,
            "threshold_fen": 10_000,
            "valid_days_after_claim": 30,
            "total_quantity": 10_000,
            "per_user_limit": 1,
            "public": False,
        }
    ).id


def build_history(seed: int = 7) -> History:
    """About 120 orders over 70 days; some at 23:5x and 00:0x Beijing time, when UTC's date
    differs; a few refunded days later; a few cancelled unpaid; a buyer paying twice a day."""
    rng = random.Random(seed)
    with time_machine.travel(at(START - timedelta(days=1), 8), tick=False):
        staff = User.objects.create(username="cs-analytics", is_staff=True)
        top = make_distributor("an_top", real_name="李娜")
        mid = make_distributor("an_mid", under=top, real_name="王强")
        side = make_distributor("an_side", under=top, real_name="赵敏")
        make_distributor("an_quiet", real_name="钱多")  # never sells
        skus = [SkuFactory(price_fen=p, stock=100_000, weight_g=100) for p in (9_900, 3_333, 25_000, 1_250)]
        Product.objects.filter(pk=SkuFactory(price_fen=500, stock=10).product_id).update(is_on_shelf=True)
        invite_campaign_create(
            fields={
                "name": "邀请有礼",
                "starts_at": at(START - timedelta(days=1), 9),
                "ends_at": at(START + timedelta(days=DAYS + 5), 0),
                "inviter_template_id": _reward("邀请奖励"),
                "invitee_template_id": _reward("新人奖励"),
                "max_rewards_per_inviter": None,
                "accept_within_hours": 72,
                "order_within_days": 30,
                "min_order_fen": 0,
            }
        )
        inviter = make_user("an_inviter")
        invite_code = invite_code_ensure(user_id=inviter.id).code
    shoppers: list[User] = [inviter]
    sharers = [mid, side, top]
    orders = refunds = 0
    to_refund: list[tuple[date, Order]] = []
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        with time_machine.travel(at(day, 0, 1), tick=False):
            for _ in range(rng.choice((0, 1, 1, 2))):  # newcomers: bound, invited or organic
                user = make_user(f"an_u{len(shoppers)}")
                how = rng.random()
                if how < 0.45:
                    referral_bind(user_id=user.id, code=rng.choice(sharers).code, source="link")
                elif how < 0.65:
                    invite_accept(user=user, code=invite_code)
                shoppers.append(user)
        moments = sorted(rng.sample(range(0, 24 * 60), rng.choice((0, 1, 2, 3))))
        if offset % 9 == 4:
            moments = sorted({*moments, 23 * 60 + 55, 5})  # both sides of local midnight
        for minute in moments:
            buyer = rng.choice(shoppers[-12:] if rng.random() < 0.7 else shoppers)
            lines = [(rng.choice(skus).id, rng.choice((1, 1, 2)))]
            if rng.random() < 0.3:
                lines.append((rng.choice(skus).id, 1))
            lines = list({sku: q for sku, q in lines}.items())
            with time_machine.travel(at(day, minute // 60, minute % 60), tick=False):
                order = place_order(buyer, *lines)
                if rng.random() < 0.08:
                    order_cancel(order_id=order.id, by=buyer, reason="不想要了")
                    continue
                pay(order)
                orders += 1
                if rng.random() < 0.15:
                    to_refund.append((day + timedelta(days=rng.choice((1, 3))), order))
                if rng.random() < 0.12 and buyer != inviter:
                    pay(place_order(buyer, (skus[3].id, 1)))  # the same buyer twice that day
                    orders += 1
        for _due, order in [r for r in to_refund if r[0] == day]:
            with time_machine.travel(at(day, 21), tick=False):
                line = lines_of(order)[0]
                aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)
                refunds += 1
        if offset in (20, 41):  # a recent buyer joins as a distributor
            with time_machine.travel(at(day, 22), tick=False):
                paid_users = set(Order.objects.filter(paid_at__isnull=False).values_list("buyer_id", flat=True))
                candidate = next(
                    (u for u in reversed(shoppers) if u.id in paid_users and not hasattr(u, "distributor")), None
                )
                if candidate is not None and not Distributor.objects.filter(user=candidate).exists():
                    distributor_create(user_id=candidate.id, source="apply", real_name="新人", phone="13900000000")
        if offset == 50:
            with time_machine.travel(at(day, 12), tick=False):
                sharers.remove(side)
                Distributor.objects.filter(pk=side.pk).update(
                    status=DistributorStatus.SUSPENDED, suspended_at=at(day, 12)
                )
    return History(first_day=START, last_day=START + timedelta(days=DAYS - 1), orders=orders, refunds=refunds)


# -- the independent recomputation ----------------------------------------------------------


def local(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def _half_up(n: int, d: int, scale: int = 1) -> int | None:
    if d == 0:
        return None
    # Decimal-free: compare twice the remainder with the divisor.
    q, r = divmod(n * scale, d)
    return q + (1 if 2 * r >= d else 0)


class Oracle:
    def __init__(self) -> None:
        self.orders = list(Order.objects.filter(paid_at__isnull=False).values("id", "buyer_id", "paid_at", "paid_fen"))
        self.chain = dict(OrderReferral.objects.values_list("order_id", "chain"))
        self.commission = defaultdict(int)
        for r in CommissionRecord.objects.all():
            self.commission[r.order_id] += r.amount_fen - r.reversed_fen - r.clawback_fen
        self.refunds = [
            (local(r.succeeded_at), r.amount_fen)
            for r in Refund.objects.filter(status="succeeded").select_related("order")
            if r.order.paid_at is not None
        ]
        self.first_paid: dict[int, dict] = {}
        for o in sorted(self.orders, key=lambda o: (o["paid_at"], o["id"])):
            self.first_paid.setdefault(o["buyer_id"], o)
        self.invited = dict(Invite.objects.values_list("invitee_id", "accepted_at"))
        self.distributors = list(Distributor.objects.values("id", "user_id", "status", "joined_at", "suspended_at"))
        self.lines = list(OrderLine.objects.values("order_id", "product_id", "quantity", "paid_fen"))
        self.on_shelf = set(Product.objects.filter(is_on_shelf=True).values_list("id", flat=True))

    def paid_in(self, first: date, last: date) -> list[dict]:
        return [o for o in self.orders if first <= local(o["paid_at"]) <= last]

    def buyers(self, first: date, last: date) -> set[int]:
        return {o["buyer_id"] for o in self.paid_in(first, last)}

    def source(self, buyer_id: int) -> str:
        first = self.first_paid[buyer_id]
        if self.chain.get(first["id"]):
            return "distribution"
        accepted = self.invited.get(buyer_id)
        return "invite" if accepted is not None and accepted <= first["paid_at"] else "organic"

    def figures(self, first: date, last: date) -> dict:
        paid = self.paid_in(first, last)
        gmv = sum(o["paid_fen"] for o in paid)
        buyers = self.buyers(first, last)
        commission = sum(self.commission[o["id"]] for o in paid)
        referred_gmv = sum(o["paid_fen"] for o in paid if self.chain.get(o["id"]))
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=BEIJING)
        active = [
            d
            for d in self.distributors
            if d["joined_at"] < end
            and (d["status"] == "active" or (d["suspended_at"] is not None and d["suspended_at"] >= end))
        ]
        sellers = {self.chain[o["id"]][0] for o in paid if self.chain.get(o["id"])}
        new = [b for b, o in self.first_paid.items() if first <= local(o["paid_at"]) <= last]
        joined = {d["user_id"]: d["joined_at"] for d in self.distributors}
        converted = [
            b
            for b in new
            if b in joined
            and self.first_paid[b]["paid_at"] <= joined[b] <= self.first_paid[b]["paid_at"] + timedelta(days=30)
        ]
        sources = {"distribution": 0, "invite": 0, "organic": 0}
        for b in new:
            sources[self.source(b)] += 1
        days = (last - first).days + 1
        previous = self.buyers(first - timedelta(days=days), first - timedelta(days=1))
        first_order_commission = sum(
            self.commission[self.first_paid[b]["id"]] for b in new if self.source(b) == "distribution"
        )
        sold = {
            line["product_id"]
            for line in self.lines
            if line["order_id"] in {o["id"] for o in paid} and line["quantity"] > 0
        }
        return {
            "gmv_fen": gmv,
            "paid_orders": len(paid),
            "buyers": len(buyers),
            "aov_fen": _half_up(gmv, len(buyers)),
            "per_order_fen": _half_up(gmv, len(paid)),
            "refund_fen": sum(a for d, a in self.refunds if first <= d <= last),
            "distributor_activity_bps": _half_up(len(sellers & {d["id"] for d in active}), len(active), 10_000),
            "commission_fen": commission,
            "commission_share_bps": _half_up(commission, gmv, 10_000),
            "distribution_gmv_share_bps": _half_up(referred_gmv, gmv, 10_000),
            "conversion_bps": _half_up(len(converted), len(new), 10_000),
            "k_factor_milli": _half_up(sources["distribution"] + sources["invite"], len(previous), 1_000),
            "new_buyers": len(new),
            "new_buyer_sources": sources,
            "cac_fen": _half_up(first_order_commission, sources["distribution"]),
            "product_activity_bps": _half_up(len(sold & self.on_shelf), len(self.on_shelf), 10_000),
        }

    def cohort(self, month: date) -> tuple[int, int]:
        following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        after = date(following.year + (following.month == 12), following.month % 12 + 1, 1)
        in_month = self.buyers(month, following - timedelta(days=1))
        again = self.buyers(following, after - timedelta(days=1))
        return len(in_month), len(in_month & again)

    def top_products(self, first: date, last: date) -> list[tuple[int, int, int]]:
        """(product, units, gmv) by GMV, best first (ties by id)."""
        paid = {o["id"] for o in self.paid_in(first, last)}
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for line in self.lines:
            if line["order_id"] in paid:
                totals[line["product_id"]][0] += line["quantity"]
                totals[line["product_id"]][1] += line["paid_fen"]
        return sorted(((p, u, g) for p, (u, g) in totals.items()), key=lambda t: (-t[2], t[0]))
