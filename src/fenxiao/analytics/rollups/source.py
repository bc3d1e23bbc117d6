"""What the source rows say an order contributed, read in bulk: the one definition both the live
maintenance (``facts``) and the rebuild (``rebuild``) use, so the two cannot drift apart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Max, QuerySet, Sum

from fenxiao.analytics.models import CONVERSION_WINDOW, BuyerSource
from fenxiao.analytics.periods import local_day
from fenxiao.distribution.models import CommissionRecord, Distributor, OrderReferral
from fenxiao.orders.models import Order, OrderLine
from fenxiao.payments.models import Refund, RefundStatus
from fenxiao.promotions.invites.models import Invite


@dataclass(frozen=True)
class OrderContribution:
    order_id: int
    buyer_id: int
    paid_at: datetime
    day: date
    distributor_id: int | None  # level 1 of the order's snapshot
    referred: bool
    gmv_fen: int
    units: int
    commission_fen: int  # every level, net of reversals and clawbacks
    # product id → (units, line amount paid in fen)
    products: dict[int, tuple[int, int]] = field(default_factory=dict)


def contributions(orders: QuerySet[Order]) -> list[OrderContribution]:
    """Every paid order of ``orders``, in four queries whatever their number."""
    rows = list(orders.filter(paid_at__isnull=False).values_list("id", "buyer_id", "paid_at", "paid_fen"))
    if not rows:
        return []
    ids = [r[0] for r in rows]
    chains = dict(OrderReferral.objects.filter(order_id__in=ids).values_list("order_id", "chain"))
    products: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    units: dict[int, int] = defaultdict(int)
    for order_id, product_id, quantity, paid_fen in OrderLine.objects.filter(order_id__in=ids).values_list(
        "order_id", "product_id", "quantity", "paid_fen"
    ):
        have_units, have_fen = products[order_id].get(product_id, (0, 0))
        products[order_id][product_id] = (have_units + quantity, have_fen + paid_fen)
        units[order_id] += quantity
    commission = dict(
        CommissionRecord.objects.filter(order_id__in=ids)
        .values("order_id")
        .annotate(net=Sum(F("amount_fen") - F("reversed_fen") - F("clawback_fen")))
        .values_list("order_id", "net")
    )
    out = []
    for order_id, buyer_id, paid_at, paid_fen in rows:
        chain = chains.get(order_id) or []
        out.append(
            OrderContribution(
                order_id=order_id,
                buyer_id=buyer_id,
                paid_at=paid_at,
                day=local_day(paid_at),
                distributor_id=chain[0] if chain else None,
                referred=bool(chain),
                gmv_fen=paid_fen,
                units=units[order_id],
                commission_fen=commission.get(order_id) or 0,
                products=products[order_id],
            )
        )
    return out


def order_contribution(order_id: int) -> OrderContribution | None:
    found = contributions(Order.objects.filter(pk=order_id))
    return found[0] if found else None


def first_paid_order(buyer_id: int) -> tuple[int, datetime] | None:
    """The buyer's first paid order ``(order id, paid_at)``; a tie goes to the lower id."""
    return (
        Order.objects.filter(buyer_id=buyer_id, paid_at__isnull=False)
        .order_by("paid_at", "id")
        .values_list("id", "paid_at")
        .first()
    )


def acquisition_sources(firsts: dict[int, tuple[datetime, bool]]) -> dict[int, str]:
    """How each new buyer came, from ``buyer → (first paid_at, first order referred)``.

    Through distribution when their first order carries a referral chain (a distributor brought
    them and is paid for it); otherwise through an invite they had accepted before paying;
    otherwise organically."""
    invited = set()
    unreferred = {b: at for b, (at, referred) in firsts.items() if not referred}
    if unreferred:
        for invitee_id, accepted_at in Invite.objects.filter(invitee_id__in=list(unreferred)).values_list(
            "invitee_id", "accepted_at"
        ):
            if accepted_at <= unreferred[invitee_id]:
                invited.add(invitee_id)
    return {
        buyer: BuyerSource.DISTRIBUTION
        if referred
        else (BuyerSource.INVITE if buyer in invited else BuyerSource.ORGANIC)
        for buyer, (_at, referred) in firsts.items()
    }


def converted_buyers(first_paid: dict[int, datetime]) -> set[int]:
    """The buyers (of ``buyer → first paid_at``) who became distributors within the conversion
    window after that first payment."""
    if not first_paid:
        return set()
    return {
        user_id
        for user_id, joined_at in Distributor.objects.filter(user_id__in=list(first_paid)).values_list(
            "user_id", "joined_at"
        )
        if first_paid[user_id] <= joined_at <= first_paid[user_id] + CONVERSION_WINDOW
    }


def previous_paid_days(buyer_ids: Iterable[int], before: datetime) -> dict[int, date]:
    """Each buyer's last paid day before the instant ``before`` (absent: never paid before)."""
    ids = list(set(buyer_ids))
    if not ids:
        return {}
    return {
        buyer_id: local_day(last)
        for buyer_id, last in Order.objects.filter(buyer_id__in=ids, paid_at__lt=before)
        .values("buyer_id")
        .annotate(last=Max("paid_at"))
        .values_list("buyer_id", "last")
    }


def succeeded_refunds(refunds: QuerySet[Refund]) -> list[tuple[int, int, date, int]]:
    """``(refund id, order id, local day it succeeded, amount)`` of succeeded refunds of orders
    that were paid. Money sent back for a payment the mall refused (it arrived after the order was
    cancelled) never counted as GMV, so it is not a refund of sales either."""
    rows = refunds.filter(
        status=RefundStatus.SUCCEEDED, succeeded_at__isnull=False, order__paid_at__isnull=False
    ).values_list("id", "order_id", "succeeded_at", "amount_fen")
    return [(rid, oid, local_day(succeeded), amount) for rid, oid, succeeded, amount in rows]
