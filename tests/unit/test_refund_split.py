"""Pure after-sales money rules: a partial refund is a slice of what the line paid, exact to the fen,
and shipping goes back only with the last unit of an order that never shipped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.orders.aftersales.rules import LineClaim, line_refund_fen, refund_amounts, shipping_refundable


@pytest.mark.parametrize(
    ("paid_fen", "quantity", "done", "part", "refund_fen"),
    [
        (100, 3, 0, 1, 33),  # 1 + 1 + 1 of 3 units of 1.00 yuan: 33 + 33 + 34
        (100, 3, 1, 1, 33),
        (100, 3, 2, 1, 34),
        (100, 3, 0, 2, 66),  # 2 + 1: 66 + 34
        (100, 3, 2, 1, 34),
        (7980, 2, 0, 1, 3990),  # no discount: the unit price
        (6251, 2, 0, 1, 3125),  # a discounted line that does not split evenly: 3125 + 3126
        (6251, 2, 1, 1, 3126),
        (1729, 1, 0, 1, 1729),  # one unit: everything
        (0, 4, 1, 2, 0),  # a line paid entirely by a coupon gives nothing back
        (999, 7, 0, 7, 999),  # all units at once: the whole line
    ],
)
def test_line_refund_worked_examples(paid_fen, quantity, done, part, refund_fen):
    assert line_refund_fen(LineClaim(paid_fen=paid_fen, quantity=quantity, done=done, part=part)) == refund_fen


def test_refund_amounts_keep_shipping_apart_from_the_lines():
    claims = [
        LineClaim(paid_fen=6251, quantity=2, done=1, part=1),
        LineClaim(paid_fen=1250, quantity=1, done=0, part=1),
    ]

    with_shipping = refund_amounts(claims=claims, shipping_fen=800, include_shipping=True)
    without = refund_amounts(claims=claims, shipping_fen=800, include_shipping=False)

    assert with_shipping.lines == [3126, 1250]
    assert (with_shipping.shipping_fen, with_shipping.total_fen) == (800, 5176)
    assert (without.shipping_fen, without.total_fen) == (0, 4376)


@pytest.mark.parametrize(
    ("units_left_after", "anything_shipped", "shipping_claimed", "refundable"),
    [
        (0, False, False, True),  # the last units of an order that never left: shipping goes back
        (1, False, False, False),  # something is still to be sent
        (0, True, False, False),  # the carrier was paid for a real parcel
        (0, False, True, False),  # another after-sale already carries the shipping
    ],
)
def test_shipping_goes_back_only_with_the_last_unit_of_an_unshipped_order(
    units_left_after, anything_shipped, shipping_claimed, refundable
):
    assert (
        shipping_refundable(
            units_left_after=units_left_after, anything_shipped=anything_shipped, shipping_claimed=shipping_claimed
        )
        is refundable
    )


@st.composite
def line_and_steps(draw):
    quantity = draw(st.integers(min_value=1, max_value=200))
    paid_fen = draw(st.integers(min_value=0, max_value=10**10))
    steps, left = [], quantity
    while left:
        step = draw(st.integers(min_value=1, max_value=left))
        steps.append(step)
        left -= step
    return paid_fen, quantity, steps


@given(line_and_steps())
def test_refunding_a_line_in_any_steps_returns_exactly_what_it_paid(case):
    paid_fen, quantity, steps = case
    done, parts = 0, []
    for part in steps:
        parts.append(line_refund_fen(LineClaim(paid_fen=paid_fen, quantity=quantity, done=done, part=part)))
        done += part
        # never more than what is left of the line, and never negative
        assert 0 <= parts[-1] <= paid_fen - sum(parts[:-1])
    assert sum(parts) == paid_fen


@given(line_and_steps(), st.data())
def test_a_partial_refund_never_exceeds_the_line_or_its_share_plus_one_fen(case, data):
    paid_fen, quantity, _ = case
    done = data.draw(st.integers(min_value=0, max_value=quantity - 1))
    part = data.draw(st.integers(min_value=1, max_value=quantity - done))
    fen = line_refund_fen(LineClaim(paid_fen=paid_fen, quantity=quantity, done=done, part=part))
    assert 0 <= fen <= paid_fen
    # within one fen of the exact proportional share (part / quantity of the line)
    assert abs(fen * quantity - paid_fen * part) < quantity
