"""The compliance report on a built network, through the services: every rule judged on the real
settings and data, the deepest chain actually paid, the 30-people indicator within three levels,
and the share of commission from downline sales, exact in basis points."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import F

from fenxiao.distribution.commission.refunds import commission_refund_sync
from fenxiao.distribution.compliance.network import large_teams
from fenxiao.distribution.compliance.period import report_period
from fenxiao.distribution.compliance.report import compliance_report_get, compliance_report_view
from fenxiao.distribution.config.settings import settings_update, tier_save
from fenxiao.distribution.models import CommissionRecord, Distributor, Tier
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.orders.models import OrderLine
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import SkuFactory
from tests.distribution.support import assert_ledger_clean, make_distributor, make_user, paid_order
from tests.order_support import place_order

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING)
NOVEMBER = {"first": date(2026, 11, 1), "last": date(2026, 11, 30)}


def _customers(under: Distributor, count: int, prefix: str) -> None:
    for i in range(count):
        user = make_user(f"{prefix}{i}")
        referral_bind(user_id=user.id, code=under.code, source="link")


def _checks(report) -> dict[str, bool]:
    return {c.key: c.passed for c in report.checks}


@pytest.fixture
def three_levels(db):
    """Three paying levels: 10% / 6% / 4% on every tier's table we use."""
    settings_update(actor_id=None, changes={"levels": 3, "level3_enabled": True})
    ordinary = Tier.objects.get(rank=0)
    tier_save(actor_id=None, tier_id=ordinary.id, values={"level1_bps": 1000, "level2_bps": 600, "level3_bps": 400})


@pytest.mark.django_db
def test_a_default_shop_passes_every_rule_and_has_no_network():
    with time_machine.travel(NOW, tick=False):
        report = compliance_report_get(period=report_period(**NOVEMBER))

    assert report.passed
    assert list(_checks(report)) == [
        "levels",
        "indirect_rates",
        "total_cap",
        "no_entry_fee",
        "tiers_not_recruiting",
        "invite_rewards",
        "commission_on_paid_sales",
    ]
    assert report.commission.deepest_paid_level == 0
    assert report.commission.downline_share_bps is None
    assert report.large_teams == ()
    invites = next(c for c in report.checks if c.key == "invite_rewards")
    assert "邀请活动0个，已发放奖励0份（优惠券，非现金、非佣金）" in invites.evidence  # promotions' facts arrived


def test_chain_depth_and_downline_share_over_the_period(commit, three_levels):
    # given A ← B ← C, a shopper under C (C level 1, B level 2, A level 3) and one directly under A
    with time_machine.travel(datetime(2026, 10, 5, 12, 0, tzinfo=BEIJING), tick=False):
        sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
        a = make_distributor("ca")
        b = make_distributor("cb", under=a)
        c = make_distributor("cc", under=b)
        deep, near = make_user("deep"), make_user("near")
        referral_bind(user_id=deep.id, code=c.code, source="link")
        referral_bind(user_id=near.id, code=a.code, source="link")
        paid_order(commit, deep, (sku.id, 5))  # October: outside the period
    with time_machine.travel(NOW, tick=False):
        # when in November the deep shopper pays 100 yuan and the near one 200 yuan
        paid_order(commit, deep, (sku.id, 1))  # 1000 / 600 / 400
        paid_order(commit, near, (sku.id, 2))  # 2000 at level 1
        report = compliance_report_get(period=report_period(**NOVEMBER))

    # then the chain actually paid three levels deep, and downline commission is 1000 of 4000
    by_level = report.commission
    assert by_level.deepest_paid_level == 3
    assert [(r.level, r.records, r.commission_fen) for r in by_level.levels] == [(1, 2, 3000), (2, 1, 600), (3, 1, 400)]
    assert (by_level.own_fen, by_level.downline_fen, by_level.downline_share_bps) == (3000, 1000, 2500)
    assert report.passed
    assert "三级为允许的最高层级，已由运营人员开关确认" in report.checks[0].evidence
    assert_ledger_clean()


def test_refunds_shrink_the_downline_share_and_a_lagging_refund_breaks_the_rule(commit, three_levels):
    with time_machine.travel(NOW, tick=False):
        sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
        a = make_distributor("ra")
        b = make_distributor("rb", under=a)
        shopper = make_user("rs")
        referral_bind(user_id=shopper.id, code=b.code, source="link")
        order = paid_order(commit, shopper, (sku.id, 2))  # B 2000, A 1200
        line = order.lines.get()
        # a refund of one unit of two, handled: both records halve
        OrderLine.objects.filter(pk=line.pk).update(refunded_fen=F("refunded_fen") + 10_000)
        commission_refund_sync(order_line_id=line.pk)
        report = compliance_report_get(period=report_period(**NOVEMBER))
        assert [r.commission_fen for r in report.commission.levels] == [1000, 600, 0]
        assert report.commission.downline_share_bps == 3750
        assert _checks(report)["commission_on_paid_sales"]
        rule = next(c for c in report.checks if c.key == "commission_on_paid_sales")
        assert "有退款且计佣的订单行1个，其中佣金未按退款冲减或追回的0个" in rule.evidence

        # a second refund whose commission was never taken back (the event lost, sweep not run yet)
        OrderLine.objects.filter(pk=line.pk).update(refunded_fen=F("refunded_fen") + 5_000)
        lagging = compliance_report_get(period=report_period(**NOVEMBER))
    assert not _checks(lagging)["commission_on_paid_sales"]
    assert not lagging.passed
    commission_refund_sync(order_line_id=line.pk)
    assert_ledger_clean()


def test_commission_written_on_an_unpaid_order_is_caught(commit, top, mid, buyer, sku):
    # given a record written behind the services' back on an order never paid
    with commit():
        unpaid = place_order(buyer, (sku.id, 1))
    CommissionRecord.objects.create(
        distributor=mid,
        order=unpaid,
        order_line=unpaid.lines.get(),
        buyer=buyer,
        level=1,
        base_fen=10_000,
        rate_bps=1000,
        amount_fen=1000,
    )
    report = compliance_report_get(period=report_period(**NOVEMBER))
    rule = next(c for c in report.checks if c.key == "commission_on_paid_sales")
    assert not rule.passed
    assert "佣金记录1条，其中未付款订单上的1条" in rule.evidence


@pytest.mark.django_db
def test_distributors_with_thirty_people_within_three_levels():
    # given D with 10 direct people (E1 and E2 among them); E1 has 8 (F1 among them), E2 has 6;
    # F1 has 6, one of them G, whose 3 people are four levels below D
    d = make_distributor("d")
    e1 = make_distributor("e1", under=d)
    e2 = make_distributor("e2", under=d)
    _customers(d, 8, "dc")
    f1 = make_distributor("f1", under=e1)
    _customers(e1, 7, "e1c")
    _customers(e2, 6, "e2c")
    g = make_distributor("g", under=f1)
    _customers(f1, 5, "f1c")
    _customers(g, 3, "gc")

    # when the network is measured
    teams = large_teams()

    # then D has 10 + 14 + 6 = 30 people within three levels and is listed; nobody else reaches 30
    assert [(t.code, t.level1, t.level2, t.level3, t.total) for t in teams] == [(d.code, 10, 14, 6, 30)]
    assert teams[0].name == "张三"
    assert large_teams(threshold=31) == []
    # E1's three levels: 8 + 6 + 3 (G's people count for E1, not for D)
    assert [(t.code, t.total) for t in large_teams(threshold=17)] == [(d.code, 30), (e1.code, 17)]


@pytest.mark.django_db
def test_settings_that_break_a_rule_show_as_failed_with_their_evidence():
    # given tier rates written straight to the table, as an old database might hold them
    Tier.objects.filter(rank=0).update(level1_bps=1000, level2_bps=1000)
    report = compliance_report_get(period=report_period(**NOVEMBER))
    rule = next(c for c in report.checks if c.key == "indirect_rates")
    assert not rule.passed
    assert rule.evidence[0].endswith("二级10%不低于一级10%")


@pytest.mark.django_db
def test_reading_the_report_is_audit_logged(django_user_model):
    staff = django_user_model.objects.create(username="auditor", is_staff=True)
    compliance_report_view(actor_id=staff.id, period=report_period(**NOVEMBER), channel="api")
    entry = AuditEntry.objects.get(action="compliance_report.view")
    assert entry.actor_id == staff.id
    assert entry.changes["from"] == "2026-11-01" and entry.changes["channel"] == "api"
