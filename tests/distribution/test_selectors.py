"""The distributor centre's selectors: the pure rules (masks, periods, settle notes) by their
cases, and the queries on the database: who is in my team, what an order's status is for me,
how ties rank, and that pages cost the same few queries for ten members or ten thousand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.errors import NotFound
from fenxiao.core.masking import mask_order_no
from fenxiao.distribution.centre import earnings, selectors, standing
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.errors import NotADistributor
from fenxiao.distribution.models import Referral, Tier
from fenxiao.distribution.network.enrolment import distributor_suspend
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from tests.distribution.centre_support import lines_of, member, refund_line, settle
from tests.distribution.support import make_distributor, make_user, paid_order, receive
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
BANK = {"bank_name": "工商银行", "bank_account_name": "王强", "bank_account_no": "6222020200112233"}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# -- pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_no", "masked"),
    [
        ("202405011230451234567890", "202405****7890"),
        ("P202405011230451234567890", "P20240****7890"),
        ("12345678901", "123456****8901"),
        ("1234567890", "12********"),
        ("AB", "AB"),
        ("", ""),
    ],
)
def test_order_numbers_keep_their_first_six_and_last_four(order_no, masked):
    assert mask_order_no(order_no) == masked


@pytest.mark.parametrize(
    ("nickname", "shown"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("a", "a*"), ("", "微信用户"), (None, "微信用户")]
)
def test_other_people_are_named_masked_and_never_blank(nickname, shown):
    assert selectors.person_name(nickname) == shown


@pytest.mark.parametrize(
    ("now", "period", "start", "end"),
    [
        # Sunday night in Shanghai is still this week.
        (local(2024, 5, 19, 23, 59), "week", local(2024, 5, 13), local(2024, 5, 20)),
        # Monday 00:30 in Shanghai is Sunday 16:30 UTC: the new week has begun here.
        (datetime(2024, 5, 19, 16, 30, tzinfo=UTC), "week", local(2024, 5, 20), local(2024, 5, 27)),
        (local(2024, 5, 13, 0, 0), "week", local(2024, 5, 13), local(2024, 5, 20)),
        # New Year's morning in Shanghai, still 31 December in UTC.
        (datetime(2024, 12, 31, 20, 0, tzinfo=UTC), "month", local(2025, 1, 1), local(2025, 2, 1)),
        (local(2024, 12, 15, 12, 0), "month", local(2024, 12, 1), local(2025, 1, 1)),
        (local(2024, 2, 29, 8, 0), "month", local(2024, 2, 1), local(2024, 3, 1)),
    ],
)
def test_ranking_periods_are_shanghai_weeks_from_monday_and_calendar_months(now, period, start, end):
    assert standing.period_bounds(period, now) == (start, end)


def test_the_platform_time_zone_is_shanghai(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("status", "settle_after", "note"),
    [
        ("pending", None, "确认收货后 7 天结算"),
        ("pending", datetime(2024, 5, 20, 17, 0, tzinfo=UTC), "预计 2024-05-21 结算"),
        ("settled", datetime(2024, 5, 20, 17, 0, tzinfo=UTC), ""),
        ("cancelled", None, ""),
    ],
)
def test_settle_note(status, settle_after, note):
    assert earnings.settle_note(status=status, settle_after=settle_after, freeze_days=7) == note


def test_rates_of_levels_the_platform_does_not_pay_show_as_zero():
    tier = Tier(name="金牌", rank=2, level1_bps=1500, level2_bps=800, level3_bps=300)

    assert selectors.effective_rates(tier, 2) == [1500, 800, 0]
    assert selectors.effective_rates(tier, 3) == [1500, 800, 300]
    assert selectors.effective_rates(tier, 1) == [1500, 0, 0]


# -- on the database -------------------------------------------------------------------------


def test_only_distributors_have_a_centre(db):
    with pytest.raises(NotADistributor):
        selectors.distributor_get_for_user(user=make_user("路人"))


def test_level_two_is_the_members_of_my_level_one_distributors_and_no_deeper(top, mid, buyer):
    deep = make_distributor("deep", under=mid)  # level 2 of top, as a distributor
    deeper = member("曾孙", under=deep)  # level 3 of top: not in top's team
    plain = member("直属顾客", under=top)  # level 1, not a distributor: has no team
    stranger = make_distributor("stranger")
    member("别人的", under=stranger)

    def users(level, distributor):
        page = selectors.team_member_list(distributor=distributor, level=level)
        return sorted(Referral.objects.get(pk=m.id).user_id for m in page.items)

    assert users(1, top) == sorted([mid.user_id, plain.id])
    assert users(2, top) == sorted([buyer.id, deep.user_id])
    assert users(1, mid) == sorted([buyer.id, deep.user_id])
    assert users(2, mid) == [deeper.id]
    assert selectors.team_counts(distributor=top) == selectors.TeamCounts(level1=2, level2=2)
    assert selectors.team_counts(distributor=stranger) == selectors.TeamCounts(level1=1, level2=0)


def test_a_team_of_ten_thousand_pages_in_four_queries(top, django_assert_num_queries):
    leader = make_distributor("leader", under=top)
    users = User.objects.bulk_create(
        User(username=f"wx_bulk{n}", openid=f"bulk{n}", nickname=f"成员{n}", phone=f"139{n:08d}") for n in range(10_000)
    )
    start = timezone.now() - timedelta(days=30)
    Referral.objects.bulk_create(
        Referral(user=user, distributor=leader, bound_at=start + timedelta(minutes=n)) for n, user in enumerate(users)
    )

    with django_assert_num_queries(4):
        first = selectors.team_member_list(distributor=leader, level=1, page=1, page_size=20)
    with django_assert_num_queries(4):
        last = selectors.team_member_list(distributor=top, level=2, page=500, page_size=20)

    assert (first.count, len(first.items)) == (10_000, 20)
    assert first.items[0].phone == "139****9999" and first.items[0].name == "成*****"
    assert (last.count, len(last.items)) == (10_000, 20)
    assert last.items[-1].phone == "139****0000"
    assert selectors.team_counts(distributor=top) == selectors.TeamCounts(level1=1, level2=10_000)


def test_an_order_is_pending_for_me_while_any_of_my_lines_is(commit, mid, buyer, sku, sku2):
    order = paid_order(commit, buyer, (sku.id, 1), (sku2.id, 1))
    refund_line(lines_of(order)[1], 3_333)  # one line cancelled, the other still pending

    def statuses(status=None):
        page = earnings.referred_order_list(distributor=mid, status=status)
        return [(row.status, row.commission_fen) for row in page.items]

    assert statuses() == [("pending", 1000)]
    assert statuses("pending") == [("pending", 1000)]
    assert statuses("cancelled") == [] and statuses("settled") == []

    settle(receive(commit, order))
    assert statuses("settled") == [("settled", 1000)]


def test_order_and_commission_pages_do_not_grow_with_their_rows(
    commit, mid, buyer, sku, sku2, django_assert_num_queries
):
    for _ in range(6):
        paid_order(commit, buyer, (sku.id, 1), (sku2.id, 2))

    with django_assert_num_queries(4):  # count, page, orders, lines
        orders = earnings.referred_order_list(distributor=mid, page_size=5)
    with django_assert_num_queries(2):  # count, page (the settings come from the cache)
        records = earnings.commission_list(distributor=mid, page_size=5)
    with django_assert_num_queries(3):  # count, page, buyers
        customers = selectors.customer_list(distributor=mid)

    assert (orders.count, len(orders.items)) == (6, 5)
    assert {(o.goods_quantity, o.commission_fen, o.sales_fen) for o in orders.items} == {(3, 1000 + 666, 16_666)}
    assert (records.count, len(records.items)) == (12, 5)
    assert [(c.order_count, c.sales_fen) for c in customers.items] == [(6, 6 * 16_666)]


def test_a_buyer_who_refunded_everything_is_no_longer_a_customer(commit, mid, buyer, sku):
    order = paid_order(commit, buyer, (sku.id, 1))
    refund_line(lines_of(order)[0], 10_000)

    assert selectors.customer_list(distributor=mid).count == 0
    assert selectors.team_member_list(distributor=mid, level=1).items[0].order_count == 0


def test_ties_share_a_rank_and_suspended_distributors_are_not_ranked(commit, top, mid, buyer, sku):
    staff = StaffUserFactory()
    with time_machine.travel(local(2024, 6, 5, 12, 0), tick=False):
        twin = make_distributor("twin")
        paid_order(commit, member("双胞胎的客户", under=twin), (sku.id, 1))  # twin 1000
        paid_order(commit, buyer, (sku.id, 1))  # mid 1000, top 500
        cheat = make_distributor("cheat")
        paid_order(commit, member("刷单", under=cheat), (sku.id, 9))  # 9000, then suspended
        distributor_suspend(distributor_id=cheat.id, actor_id=staff.id, reason="刷单")

        board = standing.ranking_list(distributor=mid, period="week", by="commission")
        cheat.refresh_from_db()
        cheat_view = standing.ranking_list(distributor=cheat, period="week", by="commission")

    assert [(e.rank, e.figure_fen) for e in board.entries] == [(1, 1000), (1, 1000), (3, 500)]
    assert (board.my_rank, board.my_figure_fen) == (1, 1000)
    assert (cheat_view.my_rank, cheat_view.my_figure_fen) == (None, 9000)


def test_commission_taken_back_by_refunds_does_not_rank(commit, mid, buyer, sku):
    with time_machine.travel(local(2024, 6, 5, 12, 0), tick=False):
        order = paid_order(commit, buyer, (sku.id, 2))
        refund_line(lines_of(order)[0], 15_000)
        by_commission = standing.ranking_list(distributor=mid, period="month", by="commission")
        by_sales = standing.ranking_list(distributor=mid, period="month", by="sales")

    assert (by_commission.my_figure_fen, by_sales.my_figure_fen) == (500, 5_000)


def test_tier_at_the_top_has_nothing_left_to_reach(mid):
    gold = Tier.objects.get(rank=2)
    mid.tier = gold
    mid.save(update_fields=["tier"])

    view = standing.tier_overview(distributor=mid)

    assert (view.current.name, view.next, view.remaining) == ("金牌", None, None)
    assert view.progress == standing.TierProgress(0, 0, 0)


def test_level_three_rates_show_only_with_the_switch(mid):
    Tier.objects.filter(pk=mid.tier_id).update(level3_bps=200)
    settings_update(actor_id=None, changes={"levels": 3, "level3_enabled": True})
    mid.refresh_from_db()

    overview = selectors.centre_overview(user=mid.user)

    assert selectors.effective_rates(overview.distributor.tier, overview.levels) == [1000, 500, 200]


def test_withdrawals_are_read_only_by_their_owner(commit, mid, buyer, sku):
    settle(receive(commit, paid_order(commit, buyer, (sku.id, 1))))
    withdrawal = withdrawal_request(user_id=mid.user_id, amount_fen=600, method="bank", bank=BANK)
    stranger = make_distributor("stranger")

    assert selectors.withdrawal_get(distributor=mid, withdrawal_id=withdrawal.id) == withdrawal
    assert selectors.withdrawal_list(distributor=mid).count == 1
    assert selectors.withdrawal_list(distributor=stranger).count == 0
    with pytest.raises(NotFound):
        selectors.withdrawal_get(distributor=stranger, withdrawal_id=withdrawal.id)
    assert selectors.distributor_balances(distributor=mid) == selectors.Balances(
        pending_fen=0, available_fen=400, withdrawing_fen=600, withdrawn_fen=0
    )
