"""The data centre's pure rules: rounding a ratio once, half up; the previous period; trend
buckets clipped to the period; health bands."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.analytics.metrics.definitions import METRICS, REPURCHASE
from fenxiao.analytics.metrics.trend import buckets
from fenxiao.analytics.periods import DayRange
from fenxiao.core.ratios import bps, half_up, milli


@pytest.mark.parametrize(
    ("n", "d", "scale", "expected"),
    [
        (10, 4, 1, 3),  # 2.5 → 3
        (9, 4, 1, 2),  # 2.25 → 2
        (11, 4, 1, 3),  # 2.75 → 3
        (1, 3, 10_000, 3333),
        (2, 3, 10_000, 6667),
        (1, 8, 10_000, 1250),
        (1, 20_000, 10_000, 1),  # 0.5 bp → 1
        (0, 5, 10_000, 0),
        (5, 0, 10_000, None),  # no denominator, no rate
        (-10, 4, 1, -3),
    ],
)
def test_half_up(n, d, scale, expected):
    assert half_up(n, d, scale) == expected


@given(st.integers(0, 10**12), st.integers(1, 10**9))
def test_half_up_is_the_nearest_integer_with_halves_up(n, d):
    exact = Fraction(n * 10_000, d)
    got = bps(n, d)
    assert abs(Fraction(got) - exact) <= Fraction(1, 2)
    assert got - exact != Fraction(-1, 2)  # a half is rounded up, never down


def test_k_factor_is_in_thousandths():
    assert milli(1, 5) == 200
    assert milli(2, 3) == 667


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    span = DayRange(date(2026, 3, 1), date(2026, 3, 31))
    assert span.previous() == DayRange(date(2026, 1, 29), date(2026, 2, 28))
    assert DayRange(date(2026, 3, 1), date(2026, 3, 1)).previous() == DayRange(date(2026, 2, 28), date(2026, 2, 28))


def test_week_buckets_start_on_monday_and_are_clipped_to_the_period():
    got = buckets(DayRange(date(2026, 11, 4), date(2026, 11, 20)), "week")  # Wed .. Fri
    assert [(b.first.isoformat(), b.last.isoformat()) for b in got] == [
        ("2026-11-04", "2026-11-08"),
        ("2026-11-09", "2026-11-15"),
        ("2026-11-16", "2026-11-20"),
    ]


def test_month_buckets_are_calendar_months_clipped_to_the_period():
    got = buckets(DayRange(date(2026, 11, 20), date(2027, 2, 3)), "month")
    assert [(b.first.isoformat(), b.last.isoformat()) for b in got] == [
        ("2026-11-20", "2026-11-30"),
        ("2026-12-01", "2026-12-31"),
        ("2027-01-01", "2027-01-31"),
        ("2027-02-01", "2027-02-03"),
    ]


@pytest.mark.parametrize(
    ("key", "value", "health"),
    [
        ("distributor_activity_bps", 2000, "green"),
        ("distributor_activity_bps", 4000, "green"),
        ("distributor_activity_bps", 1999, "amber"),
        ("distributor_activity_bps", 4001, "amber"),
        ("commission_share_bps", 1500, "green"),
        ("commission_share_bps", 2500, "amber"),
        ("conversion_bps", 1400, "amber"),
        ("k_factor_milli", 200, "green"),
        ("k_factor_milli", 5000, "green"),  # healthy above 0.2: no upper bound
        ("k_factor_milli", 199, "amber"),
        ("gmv_fen", 10, None),  # no band
        ("commission_share_bps", None, None),  # no value
    ],
)
def test_health_bands(key, value, health):
    assert METRICS[key].health(value) == health


def test_repurchase_band_is_30_to_40_percent():
    assert (REPURCHASE.health(3000), REPURCHASE.health(4100)) == ("green", "amber")


@pytest.mark.parametrize(
    ("first", "last", "mask"),
    [
        (date(2026, 3, 1), date(2026, 3, 1), 0b1),
        (date(2026, 3, 2), date(2026, 3, 4), 0b1110),
        (date(2026, 3, 1), date(2026, 3, 31), (1 << 31) - 1),
        (date(2026, 2, 28), date(2026, 2, 28), 1 << 27),
    ],
)
def test_days_mask_sets_exactly_the_bits_of_the_days(first, last, mask):
    from fenxiao.analytics.rollups.sold_months import day_bit, days_mask

    assert days_mask(first, last) == mask
    assert all(
        days_mask(first, last) & day_bit(date(first.year, first.month, d)) for d in range(first.day, last.day + 1)
    )
