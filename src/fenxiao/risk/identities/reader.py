"""What ties people to their accounts, read from what the mall records: the account's phone and
unionid (accounts), the addresses in their address book and on their orders (normalised), and the
devices the traces saw them on. One query per source for any number of users."""

from __future__ import annotations

from collections import defaultdict

from fenxiao.accounts.models import Address, User
from fenxiao.orders.models import Order
from fenxiao.risk.identities.normalise import normalise_address, normalise_phone
from fenxiao.risk.identities.types import Identity
from fenxiao.risk.traces.services import user_devices

RECENT_ORDERS = 50  # per query: enough to see where someone ships, bounded for a big buyer


def order_address(order: Order | dict) -> str:
    get = order.get if isinstance(order, dict) else lambda k: getattr(order, k)
    return normalise_address(get("province"), get("city"), get("district"), get("address_detail"))


def identities_of(user_ids: list[int]) -> dict[int, Identity]:
    user_ids = sorted(set(user_ids))
    phones: dict[int, set[str]] = defaultdict(set)
    unionids: dict[int, set[str]] = defaultdict(set)
    addresses: dict[int, set[str]] = defaultdict(set)
    for user_id, phone, unionid in User.objects.filter(pk__in=user_ids).values_list("id", "phone", "unionid"):
        if normalise_phone(phone):
            phones[user_id].add(normalise_phone(phone))
        if unionid:
            unionids[user_id].add(unionid)
    for row in Address.objects.filter(user_id__in=user_ids).values("user_id", "province", "city", "district", "detail"):
        addresses[row["user_id"]].add(normalise_address(row["province"], row["city"], row["district"], row["detail"]))
    orders = (
        Order.objects.filter(buyer_id__in=user_ids)
        .order_by("-id")
        .values("buyer_id", "province", "city", "district", "address_detail")[: RECENT_ORDERS * len(user_ids)]
    )
    for row in orders:
        addresses[row["buyer_id"]].add(order_address(row))
    devices = user_devices(user_ids)
    return {
        u: Identity(
            user_id=u,
            phones=frozenset(phones[u]),
            addresses=frozenset(a for a in addresses[u] if a),
            devices=frozenset(devices.get(u, ())),
            unionids=frozenset(unionids[u]),
        )
        for u in user_ids
    }
