"""The five fraud signals of issue 19 §1 as pure functions over plain facts: no database, so each
is proven by its own table of cases (tests/unit/test_risk_rules.py). ``distribution`` and
``promotions`` gather the facts (they know chains and invitations); ``risk`` decides.

Each rule answers what it found (or nothing), in a shape that becomes the case's evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fenxiao.risk.identities.types import IDENTITY_KINDS, Identity


@dataclass(frozen=True)
class SharedIdentity:
    distributor_user_id: int
    kind: str
    value: str


def self_dealing(*, buyer: Identity, chain: Sequence[Identity]) -> list[SharedIdentity]:
    """The buyer shares a phone, an address, a device or a unionid with a distributor of the
    order's chain (someone buying from themself under another account). The buyer who *is* the
    distributor is self-purchase, a policy of its own, not fraud."""
    found: list[SharedIdentity] = []
    for member in chain:
        if member.user_id == buyer.user_id:
            continue
        for kind in IDENTITY_KINDS:
            for value in sorted(buyer.values(kind) & member.values(kind)):
                found.append(SharedIdentity(member.user_id, kind, value))
    return found


@dataclass(frozen=True)
class Purchase:
    order_id: int
    buyer_id: int
    paid_at: datetime
    address: str = ""
    device: str = ""


@dataclass(frozen=True)
class Cluster:
    kind: str  # "address" | "device"
    value: str
    user_ids: tuple[int, ...]
    object_ids: tuple[int, ...]


def _clusters(items: Iterable[tuple[str, str, int, int]], min_users: int) -> list[Cluster]:
    """Group (kind, value, user, object) by (kind, value); keep groups with at least ``min_users``
    distinct users."""
    users: dict[tuple[str, str], set[int]] = defaultdict(set)
    objects: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, value, user_id, object_id in items:
        if not value:
            continue
        users[(kind, value)].add(user_id)
        objects[(kind, value)].add(object_id)
    return [
        Cluster(kind, value, tuple(sorted(users[(kind, value)])), tuple(sorted(objects[(kind, value)])))
        for kind, value in sorted(users)
        if len(users[(kind, value)]) >= max(min_users, 2)
    ]


def account_rings(
    *, purchases: Sequence[Purchase], now: datetime, min_accounts: int, window_days: int
) -> list[Cluster]:
    """At least ``min_accounts`` accounts sharing an address or a device bought through one
    distributor (``purchases`` are that distributor's) within the last ``window_days`` days."""
    since = now - timedelta(days=window_days)
    recent = [p for p in purchases if since <= p.paid_at <= now]
    items = [("address", p.address, p.buyer_id, p.order_id) for p in recent]
    items += [("device", p.device, p.buyer_id, p.order_id) for p in recent]
    return _clusters(items, min_accounts)


@dataclass(frozen=True)
class RefundAbuse:
    orders: int
    refunded: int
    rate_bps: int


def refund_abuse(*, orders: int, refunded: int, min_orders: int, max_rate_bps: int) -> RefundAbuse | None:
    """A distributor's attributed orders refunded above ``max_rate_bps`` over at least
    ``min_orders`` orders. The rate is in basis points, rounded down."""
    if orders <= 0 or orders < min_orders:
        return None
    rate = refunded * 10_000 // orders
    return RefundAbuse(orders, refunded, rate) if rate > max_rate_bps else None


def burst(*, first_orders: Sequence[tuple[int, datetime]], now: datetime, max_per_hour: int) -> list[int]:
    """More than ``max_per_hour`` first orders from new accounts bound to one distributor in the hour
    before ``now``: the order ids of that hour, or nothing."""
    since = now - timedelta(hours=1)
    recent = sorted(order_id for order_id, paid_at in first_orders if since <= paid_at <= now)
    return recent if len(recent) > max_per_hour else []


@dataclass(frozen=True)
class Invitee:
    user_id: int
    devices: frozenset[str] = field(default_factory=frozenset)
    addresses: frozenset[str] = field(default_factory=frozenset)


def invite_abuse(*, invitees: Sequence[Invitee], min_invitees: int) -> list[Cluster]:
    """At least ``min_invitees`` invitees of one inviter on one device or at one address."""
    items: list[tuple[str, str, int, int]] = []
    for invitee in invitees:
        items += [("device", d, invitee.user_id, invitee.user_id) for d in invitee.devices]
        items += [("address", a, invitee.user_id, invitee.user_id) for a in invitee.addresses]
    return _clusters(items, min_invitees)
