"""Pure pricing rules: exact splits, shipping fees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.orders.errors import OrderError
from fenxiao.orders.pricing import (
    QuoteLine,
    ShippingItem,
    ShippingRuleSpec,
    ShippingTemplateSpec,
    allocate,
    cumulative_share,
    rule_fee,
    spread_discount,
    template_fee,
)


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (2000, [7980, 1250], [1729, 271]),
        (1, [5, 5], [1, 0]),
        (0, [3, 4], [0, 0]),
        (10, [10], [10]),
        (7, [0, 3, 4], [0, 3, 4]),
    ],
)
def test_allocate_worked_examples(total, weights, parts):
    assert allocate(total, weights) == parts


@given(
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20).filter(lambda w: sum(w) > 0),
    data=st.data(),
)
def test_allocate_adds_up_and_never_exceeds_a_weight(weights, data):
    total = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert all(0 <= p <= w for p, w in zip(parts, weights, strict=True))


@given(
    total=st.integers(min_value=0, max_value=10**9),
    steps=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=10),
)
def test_cumulative_shares_return_the_whole_in_any_steps(total, steps):
    whole = sum(steps)
    done = 0
    shares = []
    for part in steps:
        shares.append(cumulative_share(total, part=part, done=done, whole=whole))
        done += part
    assert sum(shares) == total
    assert all(s >= 0 for s in shares)


def test_cumulative_share_of_three_single_units():
    assert [cumulative_share(100, part=1, done=d, whole=3) for d in range(3)] == [33, 33, 34]


PIECE = ShippingTemplateSpec(
    id=1,
    name="按件",
    charge_by="piece",
    free_over_fen=9900,
    rules=(
        ShippingRuleSpec(
            provinces=("新疆维吾尔自治区", "西藏自治区"), first_units=1, first_fen=2000, extra_units=1, extra_fen=1000
        ),
        ShippingRuleSpec(
            provinces=("香港特别行政区",), first_units=1, first_fen=0, extra_units=1, extra_fen=0, is_unreachable=True
        ),
        ShippingRuleSpec(provinces=(), first_units=2, first_fen=800, extra_units=2, extra_fen=300),
    ),
)
WEIGHT = ShippingTemplateSpec(
    id=2,
    name="按重",
    charge_by="weight",
    free_over_fen=None,
    rules=(ShippingRuleSpec(provinces=(), first_units=1000, first_fen=1000, extra_units=500, extra_fen=200),),
)


@pytest.mark.parametrize(
    ("template", "province", "items", "fee"),
    [
        (PIECE, "广东省", [ShippingItem(3990, 1, 250)], 800),  # within the first 2 pieces
        (PIECE, "广东省", [ShippingItem(3000, 3, 250)], 1100),  # 1 extra piece starts a block of 2
        (PIECE, "广东省", [ShippingItem(3000, 5, 250)], 1400),
        (PIECE, "新疆维吾尔自治区", [ShippingItem(3000, 3, 250)], 4000),
        (PIECE, "广东省", [ShippingItem(9900, 3, 250)], 0),  # free at the threshold
        (WEIGHT, "广东省", [ShippingItem(100, 2, 500)], 1000),  # exactly the first kilo
        (WEIGHT, "广东省", [ShippingItem(100, 3, 500)], 1200),  # 500 g more
        (WEIGHT, "广东省", [ShippingItem(100, 1, 1501)], 1400),  # 501 g more → 2 blocks
    ],
)
def test_template_fee(template, province, items, fee):
    assert template_fee(template, province=province, items=items) == fee


def test_unreachable_region_is_refused():
    with pytest.raises(OrderError) as err:
        template_fee(PIECE, province="香港特别行政区", items=[ShippingItem(100, 1, 1)])
    assert err.value.code == "SHIPPING_UNREACHABLE"


def test_rule_fee_of_nothing_is_zero():
    assert rule_fee(PIECE.rules[2], 0) == 0


def _line(price: int, qty: int) -> QuoteLine:
    return QuoteLine(1, 1, "t", "c", "", "", price, qty, 0)


def test_spread_discount_is_capped_at_what_is_payable():
    lines = [_line(1000, 1), _line(500, 2)]
    assert spread_discount(3000, lines, [0, 1]) == {0: 1000, 1: 1000}
    assert spread_discount(300, lines, [0, 1]) == {0: 150, 1: 150}
    assert spread_discount(300, lines, [1]) == {1: 300}
