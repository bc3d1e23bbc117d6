"""The facts the rules read, gathered from orders, chains and traces: who a distributor's level-1
orders came from, where they shipped, on which device."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from fenxiao.distribution.models import Distributor, OrderReferral, Referral
from fenxiao.orders.models import Order
from fenxiao.risk.cases.rules import Purchase
from fenxiao.risk.identities.reader import order_address
from fenxiao.risk.models import TraceKind
from fenxiao.risk.traces.services import object_devices

ORDER_FIELDS = ("id", "buyer_id", "paid_at", "province", "city", "district", "address_detail", "refunded_fen")


def level1_distributor_id(order_id: int) -> int | None:
    chain = OrderReferral.objects.filter(order_id=order_id).values_list("chain", flat=True).first()
    return chain[0] if chain else None


def chain_user_ids(order_id: int) -> tuple[int | None, list[int]]:
    """The order's buyer and the users of its chain's distributors, level 1 first."""
    row = OrderReferral.objects.filter(order_id=order_id).values("buyer_id", "chain").first()
    if row is None or not row["chain"]:
        return None, []
    users = dict(Distributor.objects.filter(pk__in=row["chain"]).values_list("id", "user_id"))
    return row["buyer_id"], [users[d] for d in row["chain"] if d in users]


def attributed_orders(distributor_id: int, *, since: datetime):
    """Paid orders whose level 1 is this distributor, paid since ``since``."""
    order_ids = OrderReferral.objects.filter(chain__0=distributor_id).values("order_id")
    return Order.objects.filter(pk__in=order_ids, paid_at__gte=since)


def purchases(distributor_id: int, *, since: datetime) -> list[Purchase]:
    rows = list(attributed_orders(distributor_id, since=since).values(*ORDER_FIELDS))
    devices = object_devices(TraceKind.ORDER, [r["id"] for r in rows])
    return [
        Purchase(
            order_id=r["id"],
            buyer_id=r["buyer_id"],
            paid_at=r["paid_at"],
            address=order_address(r),
            device=devices.get(r["id"], ""),
        )
        for r in rows
    ]


def first_orders(distributor_id: int, *, now: datetime) -> list[tuple[int, datetime]]:
    """Orders paid in the hour before ``now`` through this distributor that were their buyer's
    first paid order, from buyers bound to this distributor."""
    earlier = Order.objects.filter(buyer_id=OuterRef("buyer_id"), paid_at__lt=OuterRef("paid_at"))
    bound = Referral.objects.filter(user_id=OuterRef("buyer_id"), distributor_id=distributor_id)
    rows = (
        attributed_orders(distributor_id, since=now - timedelta(hours=1))
        .filter(~Exists(earlier), Exists(bound))
        .values_list("id", "paid_at")
    )
    return list(rows)


def refund_counts(distributor_id: int, *, since: datetime) -> tuple[list[int], list[int]]:
    """The attributed orders paid since ``since``, and those of them that saw a refund."""
    rows = list(attributed_orders(distributor_id, since=since).values_list("id", "refunded_fen"))
    return sorted(order_id for order_id, _ in rows), sorted(order_id for order_id, refunded in rows if refunded > 0)
