"""Merging the legs of one posting is a pure rule: worked examples, then the properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.ledger.errors import LedgerError
from fenxiao.ledger.services import MAX_AMOUNT_FEN, merge_legs


@pytest.mark.parametrize(
    ("legs", "merged"),
    [
        ([("a", 100), ("b", -100)], {"a": 100, "b": -100}),
        ([("a", 60), ("b", -100), ("a", 40)], {"a": 100, "b": -100}),
        ([("a", 100), ("b", -100), ("c", 0)], {"a": 100, "b": -100}),
        ([("a", 100), ("a", -30), ("b", -70)], {"a": 70, "b": -70}),
        ([("a", 5), ("b", -5), ("c", 7), ("c", -7)], {"a": 5, "b": -5}),
    ],
)
def test_duplicates_merge_and_zero_legs_drop(legs, merged):
    assert merge_legs(legs) == merged


def test_first_seen_order_is_kept():
    assert list(merge_legs([("z", 1), ("a", -2), ("z", 1)])) == ["z", "a"]


@pytest.mark.parametrize(
    "legs",
    [[], [("a", 0)], [("a", 0), ("b", 0)], [("a", 50), ("a", -50)], [("a", 5), ("b", -5), ("a", -5), ("b", 5)]],
)
def test_nothing_left_is_empty(legs):
    with pytest.raises(LedgerError) as exc:
        merge_legs(legs)
    assert exc.value.code == "LEDGER_EMPTY"


@pytest.mark.parametrize(
    ("legs", "total"), [([("a", 100)], 100), ([("a", 100), ("b", -99)], 1), ([("a", -1), ("a", -1)], -2)]
)
def test_a_non_zero_sum_is_unbalanced(legs, total):
    with pytest.raises(LedgerError) as exc:
        merge_legs(legs)
    assert exc.value.code == "LEDGER_UNBALANCED"
    assert exc.value.status == 400


@pytest.mark.parametrize(
    "legs",
    [
        [("a", 1.0), ("b", -1.0)],
        [("a", True), ("b", -1)],
        [("", 1), ("b", -1)],
        [("   ", 1), ("b", -1)],
        [("x" * 101, 1), ("b", -1)],
        [(42, 1), ("b", -1)],
        [("a", "1"), ("b", -1)],
        [("a", MAX_AMOUNT_FEN + 1), ("b", -MAX_AMOUNT_FEN - 1)],
        [("a", 1, 2)],
        ["a1"],
    ],
)
def test_malformed_legs_are_refused(legs):
    with pytest.raises(LedgerError) as exc:
        merge_legs(legs)
    assert exc.value.code == "LEDGER_INVALID"


@given(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(-10_000, 10_000)), min_size=1, max_size=30),
)
def test_merging_keeps_every_account_total(legs):
    total = sum(amount for _, amount in legs)
    balanced = [*legs, ("g", -total)]
    expected: dict[str, int] = {}
    for code, amount in balanced:
        expected[code] = expected.get(code, 0) + amount
    expected = {c: a for c, a in expected.items() if a}
    if not expected:
        with pytest.raises(LedgerError):
            merge_legs(balanced)
        return
    merged = merge_legs(balanced)
    assert merged == expected
    assert sum(merged.values()) == 0
    assert 0 not in merged.values()
