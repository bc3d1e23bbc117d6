"""The pure coupon rules, fen in, fen out: what each kind takes off, which lines it covers, why it
cannot be used, and the properties every spread keeps (parts add up, no line goes negative)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.orders.pricing import QuoteLine
from fenxiao.promotions.coupons.rules import (
    BELOW_THRESHOLD,
    EXPIRED,
    NOT_YET_VALID,
    OUT_OF_SCOPE,
    CouponSpec,
    coupon_lines,
    label_for,
    time_problem,
)


def line(price: int, qty: int = 1, *, product: int = 1, category: int | None = 10, discount: int = 0) -> QuoteLine:
    return QuoteLine(
        sku_id=product,
        product_id=product,
        title="t",
        sku_code="c",
        specs="",
        image="",
        unit_price_fen=price,
        quantity=qty,
        weight_g=0,
        category_id=category,
        discount_fen=discount,
    )


@pytest.mark.parametrize(
    ("spec", "lines", "expected", "reason"),
    [
        # 满100减20 on ¥100.00 + ¥33.33: spread by price, the larger remainder takes the last fen
        (CouponSpec("fixed", amount_fen=2000, threshold_fen=10_000), [line(10_000), line(3_333, product=2)],
         {0: 1500, 1: 500}, None),
        # one fen short of the threshold
        (CouponSpec("fixed", amount_fen=2000, threshold_fen=10_000), [line(9_999)], {}, BELOW_THRESHOLD),
        # 15% off ¥33.33 = 499.95 → 499 (rounds down to the fen)
        (CouponSpec("percent", percent_bps=1500), [line(3_333)], {0: 499}, None),
        # 50% off capped at ¥10
        (CouponSpec("percent", percent_bps=5000, cap_fen=1000), [line(10_000)], {0: 1000}, None),
        # no threshold ¥5 on a ¥3 basket: never more than what is payable
        (CouponSpec("no_threshold", amount_fen=500, threshold_fen=99_999), [line(300)], {0: 300}, None),
        # product scope: only product 2's line
        (CouponSpec("no_threshold", amount_fen=500, scope="products", product_ids=frozenset({2})),
         [line(10_000), line(3_333, product=2)], {1: 500}, None),
        # category scope with no matching line
        (CouponSpec("no_threshold", amount_fen=500, scope="categories", category_ids=frozenset({99})),
         [line(10_000)], {}, OUT_OF_SCOPE),
        # the threshold counts only covered lines
        (CouponSpec("fixed", amount_fen=500, threshold_fen=5_000, scope="products", product_ids=frozenset({2})),
         [line(10_000), line(3_333, product=2)], {}, BELOW_THRESHOLD),
        # not stackable: a line another promotion discounted is not covered
        (CouponSpec("no_threshold", amount_fen=500), [line(10_000, discount=100), line(3_333, product=2)],
         {1: 500}, None),
        # stackable: covers it, on what it still costs
        (CouponSpec("fixed", amount_fen=1000, threshold_fen=10_000, stackable=True),
         [line(10_000, discount=100), line(3_333, product=2)], {0: 748, 1: 252}, None),
    ],
)  # fmt: skip
def test_coupon_lines(spec, lines, expected, reason):
    assert coupon_lines(spec, lines) == (expected, reason)


@pytest.mark.parametrize(
    ("spec", "label"),
    [
        (CouponSpec("fixed", amount_fen=2000, threshold_fen=10_000), "满100减20"),
        (CouponSpec("no_threshold", amount_fen=550), "无门槛减5.5"),
        (CouponSpec("percent", percent_bps=1500), "8.5折"),
        (CouponSpec("percent", percent_bps=2000, cap_fen=3000, threshold_fen=5000), "满50享8折（最高减30）"),
    ],
)
def test_labels(spec, label):
    assert label_for(spec) == label


def test_time_window():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert time_problem(now=t0, starts_at=t0, expires_at=t0 + timedelta(days=1)) is None
    assert time_problem(now=t0 - timedelta(seconds=1), starts_at=t0, expires_at=t0 + timedelta(days=1)) == NOT_YET_VALID
    assert time_problem(now=t0 + timedelta(days=1), starts_at=t0, expires_at=t0 + timedelta(days=1)) == EXPIRED


specs = st.one_of(
    st.builds(CouponSpec, kind=st.just("fixed"), amount_fen=st.integers(1, 50_000),
              threshold_fen=st.integers(0, 50_000)),
    st.builds(CouponSpec, kind=st.just("percent"), percent_bps=st.integers(1, 9_999),
              cap_fen=st.none() | st.integers(1, 50_000)),
    st.builds(CouponSpec, kind=st.just("no_threshold"), amount_fen=st.integers(1, 50_000),
              stackable=st.booleans()),
)  # fmt: skip
baskets = st.lists(
    st.tuples(st.integers(0, 99_999), st.integers(1, 5), st.integers(0, 100)), min_size=1, max_size=8
).map(lambda rows: [line(p, q, product=i + 1, discount=min(d, p * q)) for i, (p, q, d) in enumerate(rows)])


@given(spec=specs, lines=baskets)
def test_the_spread_adds_up_and_never_makes_a_line_negative(spec, lines):
    amounts, reason = coupon_lines(spec, lines)
    if reason is not None:
        assert amounts == {}
        return
    total = sum(amounts.values())
    assert total > 0
    assert all(0 <= amounts[i] <= lines[i].paid_fen for i in amounts)
    covered = sum(lines[i].paid_fen for i in amounts)
    assert total <= covered
    if spec.kind == "percent":
        assert total == min(covered * spec.percent_bps // 10_000, spec.cap_fen or covered)
    else:
        assert total == min(spec.amount_fen, covered)
