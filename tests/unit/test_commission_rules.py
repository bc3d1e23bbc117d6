"""Pure commission rules: who earns, how much per line and level, what a refund takes back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fenxiao.distribution.commission.rules import (
    ChainMember,
    CommissionLine,
    CommissionPolicy,
    LineInput,
    ProductOverride,
    commission_after_refund,
    commission_chain,
    compute_commission,
)

BUYER, B, A, ROOT, TOP = 10, 20, 30, 40, 50
TWO_LEVELS = CommissionPolicy(levels=2, cap_bps=3000, activity_allowed={"seckill": False, "group_buy": True})
THREE_LEVELS = CommissionPolicy(levels=3, cap_bps=3000, activity_allowed={"seckill": False, "group_buy": True})
TIER = (1000, 500, 200)  # 10% / 5% / 2%


def _chain(*ids: int, rates: tuple[int, ...] = TIER) -> list[ChainMember]:
    return [ChainMember(distributor_id=d, level=i, rates_bps=rates) for i, d in enumerate(ids, start=1)]


def _amounts(result: list[CommissionLine]) -> list[tuple[int, int, int]]:
    return [(c.order_line_id, c.distributor_id, c.amount_fen) for c in result]


# --- who earns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("buyer", "active", "referrers", "self_allowed", "levels", "chain"),
    [
        (None, False, [B, A, ROOT], False, 2, [B, A]),  # a plain customer bound to B: B then A
        (None, False, [B, A, ROOT], False, 3, [B, A, ROOT]),  # the caller enabled three levels
        (None, False, [B], False, 3, [B]),  # a short chain stays short
        (None, False, [], False, 2, []),  # nobody referred this customer
        (BUYER, True, [B, A], True, 2, [BUYER, B]),  # self-purchase allowed: the buyer is level 1
        (BUYER, True, [B, A], False, 2, [B, A]),  # not allowed: the chain starts at the referrer
        (BUYER, False, [B, A], True, 2, [B, A]),  # a frozen distributor does not earn on self-purchase
        (BUYER, True, [], True, 2, [BUYER]),
        (BUYER, True, [B, A], True, 1, [BUYER]),
        (None, False, [B, A, B, ROOT], False, 3, [B, A]),  # a loop in bad data stops the chain
        (BUYER, False, [B, BUYER, A], False, 3, [B]),  # the buyer never earns as their own upline
        (BUYER, True, [B, BUYER, A], True, 3, [BUYER, B]),
        (BUYER, False, [BUYER, B], False, 2, []),  # self-bound in bad data: nobody earns
        (None, False, [B, A], False, 0, []),
    ],
)
def test_commission_chain(buyer, active, referrers, self_allowed, levels, chain):
    assert (
        commission_chain(
            buyer_distributor_id=buyer,
            buyer_is_active_distributor=active,
            referrer_chain=referrers,
            self_purchase_allowed=self_allowed,
            levels=levels,
        )
        == chain
    )


@given(
    buyer=st.none() | st.integers(min_value=1, max_value=6),
    active=st.booleans(),
    referrers=st.lists(st.integers(min_value=1, max_value=6), max_size=10),
    self_allowed=st.booleans(),
    levels=st.integers(min_value=0, max_value=4),
)
def test_chain_is_never_longer_than_levels_and_never_repeats(buyer, active, referrers, self_allowed, levels):
    chain = commission_chain(
        buyer_distributor_id=buyer,
        buyer_is_active_distributor=active,
        referrer_chain=referrers,
        self_purchase_allowed=self_allowed,
        levels=levels,
    )
    assert len(chain) <= levels
    assert len(set(chain)) == len(chain)
    if buyer is not None:
        assert buyer not in chain[1:]
        assert (buyer in chain) == (bool(chain) and active and self_allowed)


# --- how much ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "chain", "overrides", "policy", "expected"),
    [
        pytest.param(
            [LineInput(1, 100, 1, 10000)], _chain(B, A), {}, TWO_LEVELS, [(1, B, 1000), (1, A, 500)], id="two-levels"
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000)],
            _chain(B, A, ROOT),
            {},
            TWO_LEVELS,
            [(1, B, 1000), (1, A, 500)],
            id="third-member-beyond-policy-earns-nothing",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000)],
            _chain(B, A, ROOT),
            {},
            THREE_LEVELS,
            [(1, B, 1000), (1, A, 500), (1, ROOT, 200)],
            id="three-levels",
        ),
        pytest.param(
            # 2 x 39.90 yuan with a 20 yuan coupon spread on it: the base is the 59.80 actually paid
            [LineInput(1, 100, 2, 5980)],
            _chain(B, A),
            {},
            TWO_LEVELS,
            [(1, B, 598), (1, A, 299)],
            id="coupon-reduced-base",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 1999)], _chain(B, A), {}, TWO_LEVELS, [(1, B, 199), (1, A, 99)], id="odd-fen-down"
        ),
        pytest.param(
            [LineInput(1, 100, 1, 9)], _chain(B, A), {}, TWO_LEVELS, [], id="below-a-fen-is-nothing-and-omitted"
        ),
        pytest.param(
            [LineInput(1, 100, 3, 3000)],
            _chain(B, A),
            {100: ProductOverride(mode="fixed", level_fixed_fen=(200, 50))},
            TWO_LEVELS,
            [(1, B, 600), (1, A, 150)],
            id="fixed-per-unit",
        ),
        pytest.param(
            # 3 x 3 yuan + 3 x 1 yuan = 12 yuan on a 30 yuan line is over the 30% cap (9 yuan)
            [LineInput(1, 100, 3, 3000)],
            _chain(B, A),
            {100: ProductOverride(mode="fixed", level_fixed_fen=(300, 100))},
            TWO_LEVELS,
            [(1, B, 900)],
            id="fixed-per-unit-trimmed-by-cap",
        ),
        pytest.param(
            # a fixed 5 yuan per unit on a line discounted to 4 yuan: level 1 gets the whole base,
            # and even a 100% cap leaves nothing for level 2
            [LineInput(1, 100, 1, 400)],
            _chain(B, A),
            {100: ProductOverride(mode="fixed", level_fixed_fen=(500, 100))},
            CommissionPolicy(levels=2, cap_bps=10_000, activity_allowed={}),
            [(1, B, 400)],
            id="fixed-capped-at-base",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000)],
            _chain(B, A),
            {100: ProductOverride(mode="rate", level_bps=(1500, 800))},
            TWO_LEVELS,
            [(1, B, 1500), (1, A, 800)],
            id="product-rate-override",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000)],
            _chain(B, A),
            {100: ProductOverride(mode="rate", level_bps=(1500,))},
            TWO_LEVELS,
            [(1, B, 1500)],
            id="override-without-level-2-pays-level-2-nothing",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000)],
            _chain(B, A, ROOT, rates=(2000, 800, 500)),
            {},
            THREE_LEVELS,
            [(1, B, 2000), (1, A, 800), (1, ROOT, 200)],
            id="cap-trims-deepest-level-first",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000)],
            _chain(B, A, ROOT, rates=(2800, 800, 500)),
            {},
            THREE_LEVELS,
            [(1, B, 2800), (1, A, 200)],
            id="cap-trims-through-to-level-2",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000, activity="seckill")],
            _chain(B, A),
            {},
            TWO_LEVELS,
            [],
            id="seckill-not-allowed",
        ),
        pytest.param(
            [LineInput(1, 100, 1, 10000, activity="bargain")], _chain(B, A), {}, TWO_LEVELS, [], id="unknown-activity"
        ),
        pytest.param(
            [LineInput(2, 100, 1, 10000, activity="group_buy"), LineInput(1, 101, 1, 500)],
            _chain(B, A),
            {},
            TWO_LEVELS,
            [(1, B, 50), (1, A, 25), (2, B, 1000), (2, A, 500)],
            id="group-buy-allowed-and-ordered-by-line",
        ),
        pytest.param([LineInput(1, 100, 1, 10000)], [], {}, TWO_LEVELS, [], id="no-chain"),
    ],
)
def test_compute_commission(lines, chain, overrides, policy, expected):
    assert _amounts(compute_commission(lines=lines, chain=chain, overrides=overrides, policy=policy)) == expected


def test_each_level_earns_its_own_tier_rate_and_records_the_rule():
    chain = [
        ChainMember(distributor_id=B, level=1, rates_bps=(1000, 500, 0)),
        ChainMember(distributor_id=A, level=2, rates_bps=(1500, 700, 0)),  # a gold-tier upline
    ]
    result = compute_commission(lines=[LineInput(7, 100, 1, 10000)], chain=chain, overrides={}, policy=TWO_LEVELS)
    assert result == [
        CommissionLine(7, 1, B, base_fen=10000, rate_bps=1000, fixed_unit_fen=None, amount_fen=1000),
        CommissionLine(7, 2, A, base_fen=10000, rate_bps=700, fixed_unit_fen=None, amount_fen=700),
    ]


def test_fixed_override_records_the_unit_amount():
    [line] = compute_commission(
        lines=[LineInput(7, 100, 2, 5000)],
        chain=_chain(B),
        overrides={100: ProductOverride(mode="fixed", level_fixed_fen=(250,))},
        policy=TWO_LEVELS,
    )
    assert (line.rate_bps, line.fixed_unit_fen, line.amount_fen) == (None, 250, 500)


@pytest.mark.parametrize(
    ("chain", "policy", "lines"),
    [
        (_chain(B, A) + _chain(ROOT), TWO_LEVELS, [LineInput(1, 100, 1, 100)]),  # two members at level 1
        (_chain(B), CommissionPolicy(levels=2, cap_bps=10_001, activity_allowed={}), [LineInput(1, 100, 1, 100)]),
        (_chain(B), TWO_LEVELS, [LineInput(1, 100, 1, -1)]),
        (_chain(B, rates=(-100, 0, 0)), TWO_LEVELS, [LineInput(1, 100, 1, 100)]),
    ],
)
def test_bad_data_is_refused_rather_than_paid(chain, policy, lines):
    with pytest.raises(ValueError):
        compute_commission(lines=lines, chain=chain, overrides={}, policy=policy)


rate = st.integers(min_value=0, max_value=10_000)


@st.composite
def commission_cases(draw):
    levels = draw(st.integers(min_value=1, max_value=3))
    members = [
        ChainMember(distributor_id=i, level=i, rates_bps=tuple(draw(st.lists(rate, min_size=0, max_size=3))))
        for i in range(1, draw(st.integers(min_value=0, max_value=4)) + 1)
    ]
    lines = [
        LineInput(
            order_line_id=i,
            product_id=draw(st.integers(min_value=1, max_value=3)),
            quantity=draw(st.integers(min_value=0, max_value=50)),
            paid_fen=draw(st.integers(min_value=0, max_value=10**9)),
            activity=draw(st.sampled_from([None, "seckill", "group_buy"])),
        )
        for i in range(draw(st.integers(min_value=1, max_value=4)))
    ]
    overrides = draw(
        st.dictionaries(
            st.integers(min_value=1, max_value=3),
            st.builds(
                ProductOverride,
                mode=st.sampled_from(["rate", "fixed"]),
                level_bps=st.lists(rate, max_size=3).map(tuple),
                level_fixed_fen=st.lists(st.integers(min_value=0, max_value=10**7), max_size=3).map(tuple),
            ),
        )
    )
    policy = CommissionPolicy(
        levels=levels,
        cap_bps=draw(rate),
        activity_allowed={"seckill": draw(st.booleans()), "group_buy": draw(st.booleans())},
    )
    return lines, members, overrides, policy


@given(commission_cases())
def test_commission_never_negative_and_never_above_the_cap_share(case):
    lines, members, overrides, policy = case
    result = compute_commission(lines=lines, chain=members, overrides=overrides, policy=policy)
    for line in lines:
        mine = [c for c in result if c.order_line_id == line.order_line_id]
        cap_share = line.paid_fen * policy.cap_bps // 10_000
        assert all(c.amount_fen > 0 for c in mine)
        assert sum(c.amount_fen for c in mine) <= cap_share <= line.paid_fen
        assert all(c.level <= policy.levels for c in mine)
    keys = [(c.order_line_id, c.level) for c in result]
    assert keys == sorted(set(keys))


# --- what a refund takes back -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "base", "before", "refund", "reduction"),
    [
        (1000, 10000, 0, 10000, 1000),  # a full refund cancels it
        (1000, 10000, 0, 5000, 500),  # half the base, half the commission
        (1000, 10000, 5000, 5000, 500),
        (100, 300, 0, 100, 34),  # thirds: what stays rounds down (66), so 34 + 33 + 33
        (100, 300, 100, 100, 33),
        (100, 300, 200, 100, 33),
        (598, 5980, 0, 2990, 299),  # one of two coupon-discounted units
        (10, 100, 0, 1, 1),  # a 1 fen refund: the distributor never keeps more than their share
        (0, 100, 0, 100, 0),
        (0, 0, 0, 0, 0),
        (1000, 10000, 3000, 0, 0),
    ],
)
def test_commission_after_refund(amount, base, before, refund, reduction):
    assert (
        commission_after_refund(amount_fen=amount, base_fen=base, refunded_base_before=before, refund_fen=refund)
        == reduction
    )


@pytest.mark.parametrize(("before", "refund"), [(0, 10001), (6000, 5000), (0, -1), (-1, 1)])
def test_refund_beyond_the_base_is_refused(before, refund):
    with pytest.raises(ValueError):
        commission_after_refund(amount_fen=1000, base_fen=10000, refunded_base_before=before, refund_fen=refund)


@given(
    steps=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(lambda s: sum(s) > 0),
    data=st.data(),
)
def test_partial_refunds_take_away_exactly_the_commission(steps, data):
    base = sum(steps)
    amount = data.draw(st.integers(min_value=0, max_value=base))
    refunded = 0
    reductions = []
    for refund in steps:
        reductions.append(
            commission_after_refund(amount_fen=amount, base_fen=base, refunded_base_before=refunded, refund_fen=refund)
        )
        refunded += refund
    assert all(r >= 0 for r in reductions)
    assert sum(reductions) == amount


@given(
    amount=st.integers(min_value=0, max_value=10**7),
    base=st.integers(min_value=1, max_value=10**9),
    data=st.data(),
)
def test_what_stays_is_never_more_than_the_proportional_share(amount, base, data):
    refunded = data.draw(st.integers(min_value=0, max_value=base))
    taken = commission_after_refund(amount_fen=amount, base_fen=base, refunded_base_before=0, refund_fen=refunded)
    assert (amount - taken) * base <= amount * (base - refunded)
