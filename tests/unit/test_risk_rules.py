"""The five fraud signals of issue 19 §1 as pure rules, each with its own table of cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fenxiao.core.client_context import device_id_from
from fenxiao.risk.cases import rules
from fenxiao.risk.identities.normalise import normalise, normalise_address, normalise_phone
from fenxiao.risk.identities.types import Identity

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def ident(user_id: int, **values: set[str]) -> Identity:
    return Identity(user_id=user_id, **{k: frozenset(v) for k, v in values.items()})


@pytest.mark.parametrize(
    ("buyer", "chain", "expected"),
    [
        # nothing shared
        (ident(1, phones={"13800000001"}), [ident(2, phones={"13800000002"})], []),
        # a shared phone with level 1
        (ident(1, phones={"13800000001"}), [ident(2, phones={"13800000001"})], [(2, "phone", "13800000001")]),
        # a shared device with level 2 only
        (
            ident(1, devices={"dev-aaaaaaaa"}),
            [ident(2), ident(3, devices={"dev-aaaaaaaa", "dev-b"})],
            [(3, "device", "dev-aaaaaaaa")],
        ),
        # address and unionid with one distributor
        (
            ident(1, addresses={"x路1号"}, unionids={"u1"}),
            [ident(2, addresses={"x路1号"}, unionids={"u1"})],
            [(2, "address", "x路1号"), (2, "unionid", "u1")],
        ),
        # the buyer is the distributor: self-purchase is a policy, not fraud
        (ident(1, phones={"138"}), [ident(1, phones={"138"})], []),
        # no chain
        (ident(1, phones={"138"}), [], []),
    ],
)
def test_self_dealing(buyer, chain, expected):
    found = rules.self_dealing(buyer=buyer, chain=chain)
    assert [(m.distributor_user_id, m.kind, m.value) for m in found] == expected


def purchase(order_id, buyer_id, *, hours_ago=1, address="", device=""):
    return rules.Purchase(order_id, buyer_id, NOW - timedelta(hours=hours_ago), address, device)


@pytest.mark.parametrize(
    ("purchases", "min_accounts", "expected"),
    [
        # three accounts at one address: a ring
        (
            [purchase(1, 11, address="a"), purchase(2, 12, address="a"), purchase(3, 13, address="a")],
            3,
            [("address", "a", (11, 12, 13), (1, 2, 3))],
        ),
        # two accounts only, threshold three: nothing
        ([purchase(1, 11, address="a"), purchase(2, 12, address="a")], 3, []),
        # one account buying three times is not a ring
        ([purchase(i, 11, address="a") for i in range(1, 4)], 3, []),
        # one device, different addresses
        (
            [purchase(1, 11, address="a", device="d"), purchase(2, 12, address="b", device="d")],
            2,
            [("device", "d", (11, 12), (1, 2))],
        ),
        # outside the window (8 days ago) does not count
        (
            [
                purchase(1, 11, address="a"),
                purchase(2, 12, address="a"),
                purchase(3, 13, hours_ago=8 * 24, address="a"),
            ],
            3,
            [],
        ),
        # empty values never cluster
        ([purchase(1, 11), purchase(2, 12), purchase(3, 13)], 3, []),
    ],
)
def test_account_rings(purchases, min_accounts, expected):
    found = rules.account_rings(purchases=purchases, now=NOW, min_accounts=min_accounts, window_days=7)
    assert [(c.kind, c.value, c.user_ids, c.object_ids) for c in found] == expected


@pytest.mark.parametrize(
    ("orders", "refunded", "min_orders", "max_bps", "expected"),
    [
        (10, 6, 10, 5000, (10, 6, 6000)),
        (10, 5, 10, 5000, None),  # exactly at the limit is allowed
        (9, 9, 10, 5000, None),  # too few orders to judge
        (0, 0, 0, 5000, None),
        (3, 1, 1, 3000, (3, 1, 3333)),  # rounded down
    ],
)
def test_refund_abuse(orders, refunded, min_orders, max_bps, expected):
    found = rules.refund_abuse(orders=orders, refunded=refunded, min_orders=min_orders, max_rate_bps=max_bps)
    assert (None if found is None else (found.orders, found.refunded, found.rate_bps)) == expected


@pytest.mark.parametrize(
    ("minutes_ago", "max_per_hour", "expected"),
    [
        ([1, 2, 3], 2, [1, 2, 3]),
        ([1, 2], 2, []),  # not more than K
        ([1, 2, 90], 2, []),  # one is outside the hour
        ([], 0, []),
    ],
)
def test_burst(minutes_ago, max_per_hour, expected):
    first = [(i + 1, NOW - timedelta(minutes=m)) for i, m in enumerate(minutes_ago)]
    assert rules.burst(first_orders=first, now=NOW, max_per_hour=max_per_hour) == expected


@pytest.mark.parametrize(
    ("invitees", "min_invitees", "expected"),
    [
        (
            [
                rules.Invitee(1, frozenset({"d"})),
                rules.Invitee(2, frozenset({"d"})),
                rules.Invitee(3, frozenset({"d"})),
            ],
            3,
            [("device", "d", (1, 2, 3))],
        ),
        ([rules.Invitee(1, frozenset({"d"})), rules.Invitee(2, frozenset({"e"}))], 2, []),
        (
            [rules.Invitee(1, addresses=frozenset({"a"})), rules.Invitee(2, addresses=frozenset({"a"}))],
            2,
            [("address", "a", (1, 2))],
        ),
    ],
)
def test_invite_abuse(invitees, min_invitees, expected):
    found = rules.invite_abuse(invitees=invitees, min_invitees=min_invitees)
    assert [(c.kind, c.value, c.user_ids) for c in found] == expected


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_phone_normalised(raw, phone):
    assert normalise_phone(raw) == phone


def test_addresses_typed_differently_are_one():
    assert normalise_address("浙江省", "杭州市", "西湖区", "文三路１号 3-502") == normalise_address(
        "浙江省杭州市西湖区文三路1号3502"
    )
    assert normalise("device", "  abc  ") == "abc"


@pytest.mark.parametrize(
    ("header", "device"),
    [
        ("3f2a9c1e-0b7d-4e5f-9a8b-1c2d3e4f5a6b", "3f2a9c1e-0b7d-4e5f-9a8b-1c2d3e4f5a6b"),
        ("short", ""),
        ("a b c d e f g h", ""),
        (None, ""),
    ],
)
def test_device_header_accepts_only_an_id(header, device):
    assert device_id_from(header) == device
