"""消费者转分销商 is an additive rollup: a buyer who becomes a distributor within 30 days after
their first paid order is counted once on that order's day, when they join, so a period's
conversion is one ``SUM`` (issue 18's 365-day overview) and still equals the definition."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fenxiao.analytics.metrics.figures import figures_get
from fenxiao.analytics.models import BuyerProfile, SalesDay
from fenxiao.analytics.periods import DayRange
from fenxiao.analytics.rollups.facts import buyer_conversion_refresh
from fenxiao.analytics.rollups.rebuild import rollups_rebuild_day
from fenxiao.distribution.network.enrolment import distributor_create
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_user, paid_order

BEIJING = ZoneInfo("Asia/Shanghai")
PAID = datetime(2026, 10, 5, 20, 0, tzinfo=BEIJING)
DAY = PAID.date()


@pytest.fixture
def first_order(db, commit):
    with time_machine.travel(PAID, tick=False):
        buyer = make_user("conv_buyer")
        sku = SkuFactory(price_fen=8_000, stock=10, weight_g=100)
        order = paid_order(commit, buyer, (sku.id, 1))
    return buyer, order


def join(commit, user, moment: datetime):
    with time_machine.travel(moment, tick=False), commit():
        return distributor_create(user_id=user.id, source="apply", real_name="新人", phone="13900000000")


def converted_on(day) -> int:
    return SalesDay.objects.get(day=day).converted_buyers


@pytest.mark.parametrize(
    ("after", "counted"),
    [
        (timedelta(hours=1), 1),
        (timedelta(days=30), 1),  # the window's last moment still counts
        (timedelta(days=30, seconds=1), 0),
    ],
)
def test_joining_within_30_days_of_the_first_order_counts_on_its_day(first_order, commit, after, counted):
    buyer, _ = first_order
    assert converted_on(DAY) == 0

    join(commit, buyer, PAID + after)

    assert converted_on(DAY) == counted
    assert BuyerProfile.objects.get(pk=buyer.id).converted is bool(counted)
    figures = figures_get(DayRange(DAY, DAY))
    assert figures.conversion_bps == counted * 10_000  # the day's one new buyer
    assert rollups_rebuild_day(day=DAY, repair=False).equal


def test_a_replayed_join_counts_once(first_order, commit):
    buyer, _ = first_order
    join(commit, buyer, PAID + timedelta(days=3))

    buyer_conversion_refresh(user_id=buyer.id)
    buyer_conversion_refresh(user_id=buyer.id)

    assert converted_on(DAY) == 1


def test_a_distributor_who_then_buys_was_not_converted_by_buying(db, commit):
    with time_machine.travel(PAID - timedelta(days=2), tick=False):
        user = make_user("conv_first_joined")
    join(commit, user, PAID - timedelta(days=1))
    with time_machine.travel(PAID, tick=False):
        sku = SkuFactory(price_fen=8_000, stock=10, weight_g=100)
        paid_order(commit, user, (sku.id, 1))

    day = SalesDay.objects.get(day=DAY)
    assert (day.new_buyers, day.converted_buyers) == (1, 0)
    assert figures_get(DayRange(DAY, DAY)).conversion_bps == 0
    assert rollups_rebuild_day(day=DAY, repair=False).equal


def test_an_earlier_first_order_arriving_late_moves_the_conversion_to_its_day(first_order, commit):
    """Events can arrive out of order: the profile follows the earliest paid order, and the
    conversion count moves with it (and is re-judged against the new first order's time)."""
    buyer, _ = first_order
    join(commit, buyer, PAID + timedelta(days=2))
    assert converted_on(DAY) == 1

    earlier = PAID - timedelta(days=20)
    with time_machine.travel(earlier, tick=False):
        sku = SkuFactory(price_fen=3_000, stock=10, weight_g=100)
        # Paid earlier than the order the rollups took for the first, its event only now handled.
        paid_order(commit, buyer, (sku.id, 1))

    assert converted_on(DAY) == 0
    assert converted_on(earlier.date()) == 1  # joined 22 days after this first order: still inside
    for day in (DAY, earlier.date()):
        assert rollups_rebuild_day(day=day, repair=False).equal


def test_a_rebuilt_day_recounts_conversions_from_the_source(first_order, commit):
    buyer, _ = first_order
    join(commit, buyer, PAID + timedelta(days=1))
    SalesDay.objects.filter(day=DAY).update(converted_buyers=0)
    BuyerProfile.objects.filter(pk=buyer.id).update(converted=False)

    check = rollups_rebuild_day(day=DAY)

    assert "sales.converted_buyers: 0 → 1" in check.differences
    assert converted_on(DAY) == 1
    assert BuyerProfile.objects.get(pk=buyer.id).converted is True
