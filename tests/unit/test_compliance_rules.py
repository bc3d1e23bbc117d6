"""The compliance report's rules, each a pure function: ✓ or ✗ with the evidence an operator reads."""

from __future__ import annotations

import pytest

from fenxiao.distribution.compliance.network import CommissionByLevel, LevelCommission
from fenxiao.distribution.compliance.rules import (
    CommissionFacts,
    InviteFacts,
    RateTable,
    check_commission_on_paid_sales,
    check_indirect_rates,
    check_invite_rewards,
    check_levels,
    check_no_entry_fee,
    check_tiers_not_recruiting,
    check_total_cap,
)


@pytest.mark.parametrize(
    ("levels", "switch", "passed"),
    [
        (1, False, True),
        (2, False, True),
        (3, True, True),
        (3, False, False),  # the third level only behind its switch
        (4, True, False),
        (0, False, False),
    ],
)
def test_levels_at_most_three_and_the_third_behind_its_switch(levels, switch, passed):
    result = check_levels(levels=levels, level3_enabled=switch)
    assert result.passed is passed
    assert f"当前分销层级：{levels}级" in result.evidence


@pytest.mark.parametrize(
    ("levels", "values", "unit", "passed"),
    [
        (2, (1000, 500, 0), "bps", True),
        (2, (1000, 1000, 0), "bps", False),  # equal is not lower
        (2, (500, 1000, 0), "bps", False),
        (2, (1000, 0, 0), "bps", True),  # an indirect level paying nothing rewards no one
        (2, (1000, 500, 800), "bps", True),  # level 3 does not pay with two levels
        (3, (1000, 500, 800), "bps", False),
        (3, (1000, 500, 200), "bps", True),
        (2, (300, 300, 0), "fen", False),  # fixed amounts per unit are held to the same rule
        (2, (300, 100, 0), "fen", True),
    ],
)
def test_each_indirect_level_pays_less_than_the_level_above(levels, values, unit, passed):
    result = check_indirect_rates(levels=levels, tables=[RateTable("等级「普通」", values, unit)])
    assert result.passed is passed
    if not passed:
        assert result.evidence[0].startswith("等级「普通」：")


def test_indirect_rates_evidence_names_each_broken_table_and_counts_the_checked_ones():
    tables = [RateTable("等级「普通」", (1000, 500, 0)), RateTable("商品「茶」", (800, 900, 0))]
    broken = check_indirect_rates(levels=2, tables=tables)
    assert broken.evidence == ("商品「茶」：二级9%不低于一级8%",)
    fine = check_indirect_rates(levels=2, tables=tables[:1])
    assert fine.evidence == ("已检查1项佣金设置（分销等级与商品佣金），间接佣金均低于上一级",)


@pytest.mark.parametrize(
    ("levels", "cap", "values", "passed", "says"),
    [
        (2, 3000, (2000, 1000, 0), True, None),
        (2, 3000, (2000, 1001, 0), False, "各级合计30.01%，超过30%"),
        (2, 2000, (1500, 600, 0), False, "各级合计21%，超过20%"),  # the platform's own cap binds
        (2, 4000, (1500, 500, 0), False, "平台上限高于"),  # a cap above the legal 30% is itself wrong
        (2, 3000, (2000, 900, 500), True, None),  # level 3 not enabled: not counted
        (3, 3000, (2000, 900, 500), False, "各级合计34%"),
    ],
)
def test_all_levels_together_stay_within_the_cap(levels, cap, values, passed, says):
    result = check_total_cap(levels=levels, cap_bps=cap, tables=[RateTable("等级「金牌」", values)])
    assert result.passed is passed
    if says:
        assert any(says in e for e in result.evidence), result.evidence


def test_fixed_amounts_are_said_to_be_trimmed_to_the_cap_at_booking():
    result = check_total_cap(levels=2, cap_bps=3000, tables=[RateTable("商品「茶」", (99_999, 1, 0), "fen")])
    assert result.passed
    assert "1项按件固定佣金：计佣时每一订单行的佣金合计按平台上限截断" in result.evidence


@pytest.mark.parametrize(
    ("policy", "fee", "purchase", "passed"),
    [
        ("everyone", 0, False, True),
        ("apply", 0, False, True),
        ("spend", 0, False, True),  # automatic after spend is not a condition to apply
        ("apply", 9_900, False, False),
        ("apply", 0, True, False),
        ("pay_to_join", 0, False, False),
    ],
)
def test_no_entry_fee_and_no_purchase_to_become_a_distributor(policy, fee, purchase, passed):
    result = check_no_entry_fee(
        become_policy=policy, spend_threshold_fen=10_000, entry_fee_fen=fee, purchase_required=purchase
    )
    assert result.passed is passed


def test_the_spend_policy_says_why_it_is_not_an_entry_fee():
    result = check_no_entry_fee(become_policy="spend", spend_threshold_fen=50_000)
    assert any("累计消费满500.00元自动成为分销商" in e and "并非申请条件" in e for e in result.evidence)


@pytest.mark.parametrize(
    ("criteria", "passed"),
    [
        ({"min_sales_fen": 0, "min_customers": 0, "min_orders": 0}, True),
        ({"min_sales_fen": 100_000, "min_customers": 10, "min_orders": 20}, True),
        ({"min_sales_fen": 0, "min_customers": 0, "min_orders": 0, "min_recruits": 5}, False),
        ({"min_sales_fen": 0, "min_team_size": 0}, True),  # a recruiting field left at 0 is not used
    ],
)
def test_tiers_are_never_based_on_recruiting(criteria, passed):
    result = check_tiers_not_recruiting(tiers=[("普通", {}), ("金牌", criteria)])
    assert result.passed is passed
    if not passed:
        assert result.evidence[0] == "「金牌」的升级条件包含非销售指标：min_recruits"


def test_tier_evidence_lists_each_tiers_sales_thresholds():
    result = check_tiers_not_recruiting(
        tiers=[("普通", {"min_sales_fen": 0}), ("银牌", {"min_sales_fen": 100_000, "min_customers": 10})]
    )
    assert "「普通」：默认等级，无升级条件" in result.evidence
    assert "「银牌」：结算销售额≥1000.00元、付款客户数≥10" in result.evidence


@pytest.mark.parametrize(
    ("facts", "passed"),
    [
        (None, True),  # no invite campaigns at all
        (InviteFacts(campaigns=2, rewards_issued=10, rewards_without_paid_order=0), True),
        (InviteFacts(campaigns=1, rewards_issued=10, rewards_without_paid_order=1), False),
    ],
)
def test_invite_rewards_only_after_a_real_paid_order(facts, passed):
    assert check_invite_rewards(facts).passed is passed


@pytest.mark.parametrize(
    ("unpaid", "lagging", "passed"),
    [(0, 0, True), (1, 0, False), (0, 1, False)],
)
def test_commission_only_on_paid_sales_and_reversed_on_refunds(unpaid, lagging, passed):
    facts = CommissionFacts(
        records=20, records_on_unpaid_orders=unpaid, refunded_lines=3, refunded_lines_not_reversed=lagging
    )
    result = check_commission_on_paid_sales(facts)
    assert result.passed is passed
    assert f"佣金记录20条，其中未付款订单上的{unpaid}条" in result.evidence


@pytest.mark.parametrize(
    ("fen", "deepest", "share"),
    [
        ((0, 0, 0), 0, None),
        ((7_500, 2_500, 0), 2, 2500),
        ((1, 1, 1), 3, 6667),  # 2/3 rounded half-up
        ((10_000, 0, 0), 1, 0),
    ],
)
def test_downline_share_and_deepest_level(fen, deepest, share):
    by_level = CommissionByLevel(tuple(LevelCommission(i + 1, 1 if f else 0, f) for i, f in enumerate(fen)))
    assert by_level.deepest_paid_level == deepest
    assert by_level.downline_share_bps == share
