"""Pure validation of distribution settings: every broken rule is named, all at once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.distribution.config.rules import (
    SettingsInput,
    TierRates,
    bps_percent,
    settings_violations,
    settings_warnings,
)

VALID = SettingsInput()


def _codes(s: SettingsInput) -> list[str]:
    return [v.code for v in settings_violations(s)]


def _one(s: SettingsInput, code: str):
    [violation] = [v for v in settings_violations(s) if v.code == code]
    return violation


def test_the_defaults_are_valid_and_quiet():
    assert settings_violations(VALID) == []
    assert settings_warnings(VALID) == []


def test_a_legal_three_level_setup_passes_with_a_warning():
    s = replace(VALID, levels=3, level3_enabled=True, tiers=(TierRates("普通", (1000, 500, 200)),))
    assert settings_violations(s) == []
    assert [w.code for w in settings_warnings(s)] == ["DIST_LEVEL3_RISK"]
    assert "三级分销合规风险提示" in settings_warnings(s)[0].message


@pytest.mark.parametrize(
    ("changes", "code", "field", "words"),
    [
        ({"levels": 4}, "DIST_LEVELS_MAX", "levels", ["最多三级分销", "禁止传销条例", "第七条"]),
        ({"levels": 0}, "DIST_LEVELS_MIN", "levels", ["至少"]),
        ({"levels": 3, "tiers": (TierRates("普通", (1000, 500, 200)),)}, "DIST_LEVEL3_SWITCH", "level3_enabled", []),
        (
            {"tiers": (TierRates("银牌", (1000, 1000, 0)),)},
            "DIST_INDIRECT_RATE_NOT_LOWER",
            "tiers",
            ["银牌", "2级", "1级", "10%"],
        ),
        ({"tiers": (TierRates("普通", (1000, 500, 100)),)}, "DIST_DISABLED_LEVEL_RATE", "tiers", ["普通", "3级"]),
        (
            {"cap_bps": 2000, "tiers": (TierRates("金牌", (1800, 750, 0)),)},
            "DIST_RATE_SUM_OVER_CAP",
            "tiers",
            ["金牌", "25.5%", "20%"],
        ),
        ({"cap_bps": 10_001}, "DIST_CAP_INVALID", "cap_bps", ["100.01%"]),
        ({"tiers": (TierRates("普通", (1000, -1, 0)),)}, "DIST_RATE_NEGATIVE", "tiers", ["普通", "2级"]),
        ({"tiers": (TierRates("普通", (1000, 500)),)}, "DIST_TIER_RATES_LENGTH", "tiers", ["普通"]),
        ({"entry_fee_fen": 9900}, "DIST_ENTRY_FEE_FORBIDDEN", "entry_fee_fen", ["入门费", "购买商品"]),
        ({"purchase_required": True}, "DIST_ENTRY_FEE_FORBIDDEN", "purchase_required", ["入门费"]),
        ({"become_policy": "pay"}, "DIST_BECOME_POLICY_INVALID", "become_policy", []),
        (
            {"become_policy": "spend", "spend_threshold_fen": 0},
            "DIST_SPEND_THRESHOLD_INVALID",
            "spend_threshold_fen",
            [],
        ),
        ({"binding_policy": "random"}, "DIST_BINDING_POLICY_INVALID", "binding_policy", []),
        (
            {"binding_policy": "rebind_after_days", "rebind_after_days": 0},
            "DIST_REBIND_DAYS_INVALID",
            "rebind_after_days",
            [],
        ),
        ({"bind_on": "share"}, "DIST_BIND_ON_INVALID", "bind_on", []),
        ({"withdraw_min_fen": -1}, "DIST_WITHDRAW_NEGATIVE", "withdraw_min_fen", ["最低提现金额"]),
        ({"withdraw_fee_min_fen": -1}, "DIST_WITHDRAW_NEGATIVE", "withdraw_fee_min_fen", []),
        ({"withdraw_auto_approve_max_fen": -1}, "DIST_WITHDRAW_NEGATIVE", "withdraw_auto_approve_max_fen", []),
        ({"withdraw_fee_bps": 10_001}, "DIST_WITHDRAW_FEE_INVALID", "withdraw_fee_bps", []),
        ({"withdraw_fee_bps": -5}, "DIST_WITHDRAW_FEE_INVALID", "withdraw_fee_bps", []),
        (
            {"withdraw_min_fen": 1000, "withdraw_daily_limit_fen": 999},
            "DIST_WITHDRAW_DAILY_BELOW_MIN",
            "withdraw_daily_limit_fen",
            ["9.99元", "10.00元"],
        ),
        ({"tiers": ()}, "DIST_NO_TIERS", "tiers", []),
        (
            {"tiers": (TierRates("普通", (1000, 500, 0)), TierRates(" 普通", (1200, 600, 0)))},
            "DIST_TIER_NAME_DUPLICATE",
            "tiers",
            ["普通"],
        ),
        ({"tiers": (TierRates("  ", (1000, 500, 0)),)}, "DIST_TIER_NAME_EMPTY", "tiers", []),
    ],
)
def test_each_rule_is_refused_with_its_code(changes, code, field, words):
    violation = _one(replace(VALID, **changes), code)
    assert violation.field == field
    for word in words:
        assert word in violation.message


def test_all_violations_are_reported_together():
    s = replace(
        VALID,
        levels=4,
        entry_fee_fen=100,
        purchase_required=True,
        withdraw_fee_bps=20_000,
        tiers=(TierRates("普通", (500, 800, 3000)), TierRates("普通", (1000, 500, 0))),
    )
    assert sorted(_codes(s)) == sorted(
        [
            "DIST_ENTRY_FEE_FORBIDDEN",
            "DIST_ENTRY_FEE_FORBIDDEN",
            "DIST_LEVELS_MAX",
            "DIST_INDIRECT_RATE_NOT_LOWER",  # 普通 level 2 above level 1
            "DIST_INDIRECT_RATE_NOT_LOWER",  # and level 3 above level 2
            "DIST_RATE_SUM_OVER_CAP",  # 5% + 8% + 30% over the 30% cap (3 levels checked)
            "DIST_TIER_NAME_DUPLICATE",
            "DIST_WITHDRAW_FEE_INVALID",
        ]
    )


def test_level3_without_switch_is_one_error_not_a_cascade():
    s = replace(VALID, levels=3, tiers=(TierRates("普通", (1000, 500, 200)),))
    assert _codes(s) == ["DIST_LEVEL3_SWITCH"]


@pytest.mark.parametrize(
    ("levels", "rates", "codes"),
    [
        (1, (1000, 0, 0), []),
        (1, (1000, 1000, 0), ["DIST_DISABLED_LEVEL_RATE"]),  # level 2 is off: its rate must be 0
        (2, (1000, 0, 0), []),  # an indirect level that pays nothing cannot reward recruiting
        (2, (0, 0, 0), []),
        (2, (0, 100, 0), ["DIST_INDIRECT_RATE_NOT_LOWER"]),
        (3, (1000, 500, 500), ["DIST_INDIRECT_RATE_NOT_LOWER"]),  # equal is not lower
        (3, (1000, 500, 499), []),
        (2, (2000, 1000, 0), []),  # exactly the 30% cap
        (2, (2000, 1001, 0), ["DIST_RATE_SUM_OVER_CAP"]),
    ],
)
def test_tier_rates_are_checked_over_the_enabled_levels(levels, rates, codes):
    s = replace(VALID, levels=levels, level3_enabled=True, tiers=(TierRates("普通", rates),))
    assert _codes(s) == codes


def test_spend_policy_and_rebinding_with_positive_numbers_pass():
    s = replace(
        VALID,
        become_policy="spend",
        spend_threshold_fen=50_000,
        binding_policy="rebind_after_days",
        rebind_after_days=7,
    )
    assert settings_violations(s) == []


def test_a_zero_rebind_days_is_fine_when_rebinding_is_not_used():
    assert settings_violations(replace(VALID, rebind_after_days=0, binding_policy="last_touch")) == []


@pytest.mark.parametrize(
    ("rates", "warned"),
    [((1500, 500, 0), False), ((1500, 501, 0), True)],  # 20% exactly is quiet, one bps more warns
)
def test_a_rate_sum_above_20_percent_warns(rates, warned):
    warnings = settings_warnings(replace(VALID, tiers=(TierRates("金牌", rates),)))
    assert [w.code for w in warnings] == (["DIST_RATE_SUM_HIGH"] if warned else [])
    if warned:
        assert "金牌" in warnings[0].message
        assert "20.01%" in warnings[0].message
        assert "超过20%提示" in warnings[0].message


@pytest.mark.parametrize(
    ("bps", "text"),
    [(2550, "25.5%"), (3000, "30%"), (1, "0.01%"), (1005, "10.05%"), (0, "0%"), (10_000, "100%"), (-50, "-0.5%")],
)
def test_bps_percent(bps, text):
    assert bps_percent(bps) == text


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_bps_percent_is_exact(bps):
    text = bps_percent(bps).removesuffix("%")
    whole, _, part = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int(part.ljust(2, "0") or 0)
    assert (-value if text.startswith("-") else value) == bps
