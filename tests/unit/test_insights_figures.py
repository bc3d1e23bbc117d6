"""The insights' arithmetic (distribution/insights/window.py): divided once, rounded half-up, 0 when
there is nothing to divide by; and the window's local days, today included."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.distribution.insights.window import divide_half_up, ratio_bps, window_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(0, 3, 0), (1, 3, 0), (1, 2, 1), (3, 2, 2), (5, 2, 3), (2, 3, 1), (10, 4, 3), (9, 4, 2), (7, 0, 0)],
)
def test_half_up(numerator, denominator, expected):
    assert divide_half_up(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("part", "whole", "bps"),
    [(1, 3, 3333), (2, 3, 6667), (1, 8, 1250), (1, 16, 625), (1, 20000, 1), (1, 20001, 0), (3, 3, 10000), (0, 0, 0)],
)
def test_ratio_in_basis_points(part, whole, bps):
    assert ratio_bps(part, whole) == bps


@given(st.integers(0, 10**15), st.integers(1, 10**9))
def test_half_up_is_the_nearest_integer_ties_up(numerator, denominator):
    q = divide_half_up(numerator, denominator)
    assert abs(numerator - q * denominator) * 2 <= denominator
    assert (numerator - q * denominator) * 2 < denominator


@pytest.mark.parametrize(
    ("days", "first", "last"),
    [(7, "2024-05-14", "2024-05-20"), (30, "2024-04-21", "2024-05-20"), (90, "2024-02-21", "2024-05-20")],
)
def test_the_window_is_local_days_with_today(days, first, last):
    # 2024-05-19 16:30 UTC is already Monday the 20th in Shanghai.
    window = window_for(days=days, now=datetime(2024, 5, 19, 16, 30, tzinfo=ZoneInfo("UTC")))
    assert (window.first_day.isoformat(), window.last_day.isoformat()) == (first, last)
    assert window.start == datetime.fromisoformat(first).replace(tzinfo=SHANGHAI)
    assert window.end == datetime(2024, 5, 21, tzinfo=SHANGHAI)


@pytest.mark.parametrize("days", [0, 1, 14, 31, -7])
def test_only_the_three_windows_exist(days):
    with pytest.raises(ValueError):
        window_for(days=days)
