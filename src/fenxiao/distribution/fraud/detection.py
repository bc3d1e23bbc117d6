"""When the mall can see the facts, the rules run and a signal opens (or adds to) a risk case:
an order paid (self-dealing, account rings, bursts), a refund (refund abuse), a binding made
(self-dealing between the new customer and their distributor). Handlers of after-commit events:
a detection that fails is logged and never undoes the payment, refund or binding."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from fenxiao.distribution.fraud import facts
from fenxiao.distribution.models import Distributor
from fenxiao.risk.cases import rules
from fenxiao.risk.cases.services import risk_case_open
from fenxiao.risk.cases.settings import risk_settings
from fenxiao.risk.identities.reader import identities_of
from fenxiao.risk.models import CaseKind, RiskCase

_SHARED = {"address": "地址", "device": "设备"}


def _subject(distributor_id: int) -> int | None:
    return Distributor.objects.filter(pk=distributor_id).values_list("user_id", flat=True).first()


def _self_dealing(*, buyer_id: int, chain_users: list[int], order_ids: list[int], context: str) -> list[RiskCase]:
    identities = identities_of([buyer_id, *chain_users])
    found = rules.self_dealing(buyer=identities[buyer_id], chain=[identities[u] for u in chain_users])
    by_user: dict[int, list[rules.SharedIdentity]] = {}
    for match in found:
        by_user.setdefault(match.distributor_user_id, []).append(match)
    cases = []
    for user_id, matches in sorted(by_user.items()):
        cases.append(
            risk_case_open(
                kind=CaseKind.SELF_DEALING,
                subject_user_id=user_id,
                order_ids=order_ids,
                evidence={
                    "rule": "self_dealing",
                    "context": context,
                    "buyer_id": buyer_id,
                    "order_ids": order_ids,
                    "shared": [{"kind": m.kind, "value": m.value} for m in matches],
                },
                summary="买家与推荐链上的分销商共用" + "、".join(sorted({m.kind for m in matches})),
            )
        )
    return cases


def fraud_check_order(*, order_id: int, now: datetime | None = None) -> list[RiskCase]:
    """An order was paid: is its buyer one of its own distributors under another account, is it
    part of a ring at one address or device, or of a burst of new customers?"""
    now = now or timezone.now()
    buyer_id, chain_users = facts.chain_user_ids(order_id)
    if buyer_id is None:
        return []
    cases = _self_dealing(buyer_id=buyer_id, chain_users=chain_users, order_ids=[order_id], context="order_paid")
    distributor_id = facts.level1_distributor_id(order_id)
    subject = _subject(distributor_id) if distributor_id else None
    if subject is None:
        return cases
    row = risk_settings()
    since = now - timedelta(days=row.ring_window_days)
    for ring in rules.account_rings(
        purchases=facts.purchases(distributor_id, since=since),
        now=now,
        min_accounts=row.ring_min_accounts,
        window_days=row.ring_window_days,
    ):
        cases.append(
            risk_case_open(
                kind=CaseKind.ACCOUNT_RING,
                subject_user_id=subject,
                order_ids=ring.object_ids,
                evidence={
                    "rule": "account_ring",
                    "shared_kind": ring.kind,
                    "shared_value": ring.value,
                    "buyer_ids": list(ring.user_ids),
                    "order_ids": list(ring.object_ids),
                    "window_days": row.ring_window_days,
                },
                summary=f"{len(ring.user_ids)} 个账号共用{_SHARED[ring.kind]}经同一分销商下单",
            )
        )
    burst = rules.burst(
        first_orders=facts.first_orders(distributor_id, now=now), now=now, max_per_hour=row.burst_max_first_orders
    )
    if burst:
        cases.append(
            risk_case_open(
                kind=CaseKind.BURST,
                subject_user_id=subject,
                order_ids=burst,
                evidence={"rule": "burst", "order_ids": burst, "max_per_hour": row.burst_max_first_orders},
                summary=f"一小时内 {len(burst)} 笔新客首单",
            )
        )
    return cases


def fraud_check_refund(*, order_id: int, now: datetime | None = None) -> RiskCase | None:
    """A refund: does the order's distributor's refund rate pass the threshold?"""
    now = now or timezone.now()
    distributor_id = facts.level1_distributor_id(order_id)
    subject = _subject(distributor_id) if distributor_id else None
    if subject is None:
        return None
    row = risk_settings()
    orders, refunded = facts.refund_counts(distributor_id, since=now - timedelta(days=row.refund_window_days))
    found = rules.refund_abuse(
        orders=len(orders), refunded=len(refunded), min_orders=row.refund_min_orders, max_rate_bps=row.refund_max_bps
    )
    if found is None:
        return None
    # What is at stake is the commission the kept orders still carry: the case holds them all.
    return risk_case_open(
        kind=CaseKind.REFUND_ABUSE,
        subject_user_id=subject,
        order_ids=orders,
        evidence={
            "rule": "refund_abuse",
            "refunded_order_ids": refunded,
            "orders": found.orders,
            "refunded": found.refunded,
            "rate_bps": found.rate_bps,
            "max_rate_bps": row.refund_max_bps,
            "window_days": row.refund_window_days,
        },
        summary=f"推广订单退款率 {found.rate_bps / 100:.2f}%（{found.refunded}/{found.orders}）",
    )


def fraud_check_binding(*, user_id: int, distributor_id: int) -> list[RiskCase]:
    """A binding was made: does the new customer share a phone, address, device or unionid with
    their distributor? No order is held yet; the case tells the operator early."""
    subject = _subject(distributor_id)
    if subject is None:
        return []
    return _self_dealing(buyer_id=user_id, chain_users=[subject], order_ids=[], context="binding")
