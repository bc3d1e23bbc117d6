"""The K-factor as integers: new paying users per inviting user, rounded down, never a float."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.promotions.invites.kfactor import KFactor, k_factor


@pytest.mark.parametrize(
    ("new_paying_users", "inviters", "expected"),
    [
        (0, 0, KFactor(0, "0.00")),
        (0, 5, KFactor(0, "0.00")),
        (3, 2, KFactor(15_000, "1.50")),
        (1, 3, KFactor(3_333, "0.33")),
        (2, 3, KFactor(6_666, "0.66")),
        (7, 1, KFactor(70_000, "7.00")),
        (1, 200, KFactor(50, "0.00")),
        (101, 100, KFactor(10_100, "1.01")),
    ],
)
def test_worked_examples(new_paying_users, inviters, expected):
    assert k_factor(new_paying_users=new_paying_users, inviters=inviters) == expected


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**9))
def test_the_text_is_the_basis_points_cut_to_two_decimals(new_paying_users, inviters):
    k = k_factor(new_paying_users=new_paying_users, inviters=inviters)
    whole, cents = k.text.split(".")
    assert len(cents) == 2
    assert int(whole) * 100 + int(cents) == k.bps // 100
    # Rounded down: never more than the true ratio, less by under one basis point.
    assert k.bps * inviters <= new_paying_users * 10_000 < (k.bps + 1) * inviters


def test_negative_counts_are_a_bug():
    with pytest.raises(ValueError):
        k_factor(new_paying_users=-1, inviters=1)
