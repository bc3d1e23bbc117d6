"""The demo's 120 days of history (issue #18): its shape, and the operations metrics landing in
realistic bands when recomputed here, independently, from the raw rows (orders, order referral
snapshots, commission records, distributors, referrals, invites).

Seeding 120 days takes about a minute, so it is done once for this module: the catalogue through
``seed_demo --history-days 0``, then the history up to a fixed moment (``END``), so the story and
every figure below are the same on every day the suite runs. The replay commits as it goes (its
after-commit events must run on its clock), so the module works on a real database rather than in
a test transaction, and empties it at the end as a transactional test does."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import datetime, timedelta
from importlib import import_module
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import override_settings

from fenxiao.accounts.models import User
from fenxiao.demo.history import seed_demo_history
from fenxiao.demo.history.plan import SkuOffer, plan_history
from fenxiao.distribution.models import CommissionRecord, Distributor, OrderReferral, Referral
from fenxiao.ledger.checks import ledger_check
from fenxiao.orders.models import AfterSale, Order
from fenxiao.promotions.invites.models import Invite

ZONE = ZoneInfo("Asia/Shanghai")
END = datetime(2025, 11, 20, 21, 0, tzinfo=ZONE)
DAYS = 120
SEED = 20240601
WINDOW = timedelta(days=30)
# Windows whose previous window also lies inside the history (the K-factor needs one).
WINDOW_ENDS = (END, END - timedelta(days=30))

# Each test reads inside its own transaction (rolled back); the history itself was committed by
# the module fixture before it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), django_db_blocker.unblock():
        call_command("seed_demo", "--skus", "1200", "--history-days", "0", stdout=io.StringIO())
        result = seed_demo_history(seed=SEED, days=DAYS, end=END)
        try:
            yield result
        finally:
            # Empty the database for the next modules as the migrations left it: flushing also
            # removes the rows a data migration wrote (the default tiers), which the tests that
            # run after this module (non-transactional ones, in the same database) rely on.
            call_command("flush", interactive=False, verbosity=0)
            import_module("fenxiao.distribution.migrations.0002_default_tiers").create_tiers(django_apps, None)


@pytest.fixture(scope="module")
def rows(history, django_db_blocker):
    """The raw rows every figure is computed from, read once."""
    with django_db_blocker.unblock():
        # The history's orders: the catalogue step's own demo orders (alice's, dave's) are today's.
        paid = Order.objects.filter(paid_at__isnull=False, paid_at__lt=END)
        orders = list(paid.values("id", "buyer_id", "paid_at", "paid_fen", "refunded_fen"))
        chains = dict(OrderReferral.objects.values_list("order_id", "chain"))
        commission: dict[int, int] = defaultdict(int)
        for order_id, amount, reversed_fen, clawback in CommissionRecord.objects.values_list(
            "order_id", "amount_fen", "reversed_fen", "clawback_fen"
        ):
            commission[order_id] += amount - reversed_fen - clawback
        distributors = list(Distributor.objects.values("id", "user_id", "joined_at", "suspended_at"))
        referred = set(Referral.objects.values_list("user_id", flat=True))
        invited = set(Invite.objects.values_list("invitee_id", flat=True))
    return {
        "orders": orders,
        "chains": chains,
        "commission": commission,
        "distributors": distributors,
        "arrived_through_someone": referred | invited,
    }


def _in(at: datetime, start: datetime, end: datetime) -> bool:
    return start <= at < end


def _first_paid(orders) -> dict[int, datetime]:
    first: dict[int, datetime] = {}
    for o in orders:
        if o["buyer_id"] not in first or o["paid_at"] < first[o["buyer_id"]]:
            first[o["buyer_id"]] = o["paid_at"]
    return first


# -- the shape -----------------------------------------------------------------------------------


def test_the_history_was_replayed_without_a_step_refused(history):
    assert history.days == DAYS
    assert not history.skipped, history.skipped
    assert 600 <= history.paid <= 1_400
    assert history.people > 500


def test_orders_on_most_days_growing_with_a_weekly_rhythm(rows):
    per_day: dict = defaultdict(int)
    for o in rows["orders"]:
        per_day[o["paid_at"].astimezone(ZONE).date()] += 1
    first_day = (END - timedelta(days=DAYS - 1)).date()
    days = [first_day + timedelta(days=d) for d in range(DAYS)]
    assert sum(1 for d in days if per_day[d]) >= 0.9 * DAYS
    assert sum(per_day[d] for d in days[-30:]) > 1.5 * sum(per_day[d] for d in days[:30])  # growing
    weekend = [per_day[d] for d in days if d.weekday() >= 5]
    weekday = [per_day[d] for d in days if d.weekday() < 5]
    assert sum(weekend) / len(weekend) > sum(weekday) / len(weekday)
    future = Order.objects.filter(buyer__openid__startswith="demo-h", created_at__gte=END)
    assert not future.exists()  # nothing from after the history's end


def test_repeat_buyers_refunds_joiners_and_quiet_distributors(rows):
    counts: dict[int, int] = defaultdict(int)
    for o in rows["orders"]:
        counts[o["buyer_id"]] += 1
    assert sum(1 for n in counts.values() if n >= 2) > 100

    refunded = [o for o in rows["orders"] if o["refunded_fen"]]
    assert len(refunded) >= 20
    assert Order.objects.filter(status="closed").exists()  # refunded whole before shipping
    assert Order.objects.filter(status="cancelled", paid_at__isnull=True).count() >= 20
    assert CommissionRecord.objects.filter(reversed_fen__gt=0).exists()  # refund while frozen
    assert CommissionRecord.objects.filter(clawback_fen__gt=0).exists()  # refund after settlement
    assert AfterSale.objects.filter(status="refunded").count() >= 20

    start = END - timedelta(days=DAYS)
    joined = [d for d in rows["distributors"] if _in(d["joined_at"], start + timedelta(days=1), END)]
    assert len(joined) >= 60
    assert Distributor.objects.filter(status="suspended", suspended_at__lt=END).count() >= 2
    last_sale: dict[int, datetime] = {}
    for o in rows["orders"]:
        chain = rows["chains"].get(o["id"]) or []
        if chain:
            last_sale[chain[0]] = max(last_sale.get(chain[0], o["paid_at"]), o["paid_at"])
    quiet = [d for d, at in last_sale.items() if at < END - timedelta(days=21)]
    assert len(quiet) >= 10  # sold once, then nothing for three weeks


def test_orders_were_placed_on_the_simulated_clock(rows):
    """Every order's own timestamps agree with when it was paid: the clock moved, nothing was
    back-dated by hand."""
    sample = Order.objects.filter(paid_at__isnull=False, buyer__openid__startswith="demo-h").order_by("id")[:200]
    for order in sample:
        assert order.created_at <= order.paid_at < order.created_at + timedelta(minutes=30)
        assert order.paid_at < END


# -- the bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize("end", WINDOW_ENDS)
def test_distributor_activity_is_20_to_40_percent(rows, end):
    start = end - WINDOW
    active = {
        d["id"]
        for d in rows["distributors"]
        if d["joined_at"] < end and (d["suspended_at"] is None or d["suspended_at"] >= end)
    }
    selling = set()
    for o in rows["orders"]:
        chain = rows["chains"].get(o["id"]) or []
        if chain and _in(o["paid_at"], start, end) and chain[0] in active:
            selling.add(chain[0])
    assert 0.20 <= len(selling) / len(active) <= 0.40, (len(selling), len(active))


@pytest.mark.parametrize("end", WINDOW_ENDS)
def test_commission_is_10_to_20_percent_of_gmv(rows, end):
    paid = [o for o in rows["orders"] if _in(o["paid_at"], end - WINDOW, end)]
    gmv = sum(o["paid_fen"] for o in paid)
    commission = sum(rows["commission"].get(o["id"], 0) for o in paid)
    assert 0.10 <= commission / gmv <= 0.20, (commission, gmv)


@pytest.mark.parametrize("end", WINDOW_ENDS)
def test_consumer_to_distributor_conversion_is_15_to_25_percent(rows, end):
    first = _first_paid(rows["orders"])
    joined = {d["user_id"]: d["joined_at"] for d in rows["distributors"]}
    new = [u for u, at in first.items() if _in(at, end - WINDOW, end)]
    converted = [u for u in new if u in joined and first[u] <= joined[u] <= first[u] + timedelta(days=30)]
    assert 0.15 <= len(converted) / len(new) <= 0.25, (len(converted), len(new))


@pytest.mark.parametrize("end", WINDOW_ENDS)
def test_k_factor_is_at_least_0_2(rows, end):
    start = end - WINDOW
    first = _first_paid(rows["orders"])
    brought = [u for u, at in first.items() if _in(at, start, end) and u in rows["arrived_through_someone"]]
    previous = {o["buyer_id"] for o in rows["orders"] if _in(o["paid_at"], start - WINDOW, start)}
    assert len(brought) / len(previous) >= 0.2, (len(brought), len(previous))


def test_next_month_repurchase_is_30_to_40_percent(rows):
    buyers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for o in rows["orders"]:
        local = o["paid_at"].astimezone(ZONE)
        buyers[(local.year, local.month)].add(o["buyer_id"])
    months = sorted(buyers)
    complete = [m for m in months if m != (END.year, END.month)]  # the last month has not ended
    rates = [len(buyers[m] & buyers[n]) / len(buyers[m]) for m, n in pairwise(complete)]
    assert len(rates) >= 2
    total = sum(len(buyers[m] & buyers[n]) for m, n in pairwise(complete))
    assert 0.30 <= total / sum(len(buyers[m]) for m in complete[:-1]) <= 0.40, rates


def test_basket_size_is_realistic_and_refunds_a_few_percent(rows):
    paid = rows["orders"]
    gmv = sum(o["paid_fen"] for o in paid)
    assert 8_000 <= gmv // len(paid) <= 30_000  # ¥80–¥300
    assert 0.01 <= sum(o["refunded_fen"] for o in paid) / gmv <= 0.08


def test_the_ledger_balances_after_the_history():
    assert ledger_check() == []


# -- the command ---------------------------------------------------------------------------------


def test_seeding_again_with_if_empty_adds_nothing():
    before = (User.objects.count(), Order.objects.count(), CommissionRecord.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "skipped" in out.getvalue()
    assert seed_demo_history(seed=SEED, days=DAYS, end=END).people == 0  # the history is there already
    assert (User.objects.count(), Order.objects.count(), CommissionRecord.objects.count()) == before


# -- the plan (pure) -------------------------------------------------------------------------------


def test_the_plan_is_deterministic_for_a_seed(history):
    skus = [SkuOffer(sku_id=i, price_fen=1_990 + 1_000 * (i % 12), stock=500) for i in range(1, 120)]

    def story(seed: int):
        plan = plan_history(seed=seed, days=40, end=END, zone=ZONE, skus=skus)
        return [(a.at, a.kind, a.ref) for a in plan.actions], [(o.buyer, o.lines) for o in plan.orders]

    assert story(7) == story(7)
    assert story(7) != story(8)


def test_shares_were_opened_before_they_bound_and_the_insights_count_them(rows):
    from django.db.models import Sum

    from fenxiao.distribution.models import ShareOpen

    bound = Referral.objects.count()
    opens = ShareOpen.objects.aggregate(n=Sum("opens"))["n"] or 0
    assert bound > 100 and opens > bound  # some looked without binding
    assert set(ShareOpen.objects.values_list("channel", flat=True)) == {"share", "poster", "scene"}


def test_the_data_centre_follows_the_history_live_and_lands_in_the_bands():
    from fenxiao.analytics.metrics.definitions import METRICS
    from fenxiao.analytics.metrics.figures import figures_get
    from fenxiao.analytics.periods import DayRange, local_day
    from fenxiao.analytics.rollups.rebuild import rollups_rebuild

    last = local_day(END)
    checks = rollups_rebuild(first=last - timedelta(days=DAYS + 1), last=last, repair=False)
    assert [c.day for c in checks if not c.equal] == []  # the live rollups equal a rebuild
    figures = figures_get(DayRange(last - timedelta(days=29), last)).as_dict()
    for key in ("distributor_activity_bps", "commission_share_bps", "conversion_bps", "k_factor_milli"):
        assert METRICS[key].health(figures[key]) == "green", (key, figures[key])
