"""Commission booking (DESIGN §5): the order's referral chain is snapshotted when it is placed,
and commission is booked when it is paid, on what was actually paid for each line.

Both are handlers of order events and both are idempotent: the snapshot is one row per order,
and booking claims that row (``booked_at``) in the transaction that writes the records and the
ledger entry, so a replayed ``order_paid`` or the repair sweep adds nothing."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.extensions import publish_on_commit
from fenxiao.core.observability import metrics
from fenxiao.core.statements import rows_insert, values_first
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.commission.overrides import product_overrides
from fenxiao.distribution.commission.rules import (
    ChainMember,
    CommissionPolicy,
    LineInput,
    commission_chain,
    compute_commission,
)
from fenxiao.distribution.config.settings import distribution_settings, enabled_levels
from fenxiao.distribution.locks import lock_order_referral
from fenxiao.distribution.models import (
    BindOn,
    CommissionRecord,
    CommissionStatus,
    DistributionSettings,
    Distributor,
    DistributorStatus,
    OrderReferral,
)
from fenxiao.distribution.network.binding import chain_from_row, chain_lookups, referral_bind_from_touch
from fenxiao.ledger.services import ledger_post
from fenxiao.orders.models import Order, OrderLine

logger = logging.getLogger(__name__)

# Discount kinds that make an order an activity order, whose commission the settings switch.
ACTIVITY_KINDS = ("seckill", "group_buy", "invite")
REPAIR_BATCH = 500


def order_referral_snapshot(*, order_id: int, buyer_id: int | None = None) -> None:
    """The chain as it stands now, written once per order. Runs inside the order's transaction
    (``on_order_placed``); booking calls it too for an order placed before distribution existed.
    When binding waits for the first order, the remembered share becomes the binding first."""
    if buyer_id is None:
        buyer_id = Order.objects.filter(pk=order_id).values_list("buyer_id", flat=True).get()
    row = distribution_settings()
    if row.bind_on == BindOn.FIRST_ORDER:
        referral_bind_from_touch(user_id=buyer_id)
    levels = enabled_levels(row)
    # The buyer's own distributor row and the referrers above them, in one query.
    found = values_first(
        ("order_referral_chain", levels),
        lambda buyer: User.objects.filter(pk=buyer).values_list(
            "distributor__id", "distributor__status", *chain_lookups(levels, prefix="referral__")
        ),
        buyer_id,
    )
    if found is None:
        raise User.DoesNotExist(f"buyer {buyer_id} of order {order_id} does not exist")
    buyer_distributor, buyer_active = found[0], found[1] == DistributorStatus.ACTIVE
    chain = commission_chain(
        buyer_distributor_id=buyer_distributor,
        buyer_is_active_distributor=buyer_active,
        referrer_chain=chain_from_row(found[2:]),
        self_purchase_allowed=row.self_purchase_commission,
        levels=levels,
    )
    self_purchase = bool(chain) and chain[0] == buyer_distributor
    # One statement whether or not a concurrent call wrote it first (no savepoint needed).
    rows_insert(
        [OrderReferral(order_id=order_id, buyer_id=buyer_id, chain=chain, self_purchase=self_purchase)],
        ignore_conflicts=True,
    )


def on_order_placed(order: Order) -> None:
    """The placement hook (``orders.placement_hooks``)."""
    order_referral_snapshot(order_id=order.id, buyer_id=order.buyer_id)


def _line_activities(order: Order, line_count: int) -> dict[int, str]:
    """Line index → activity kind. A provider may name its lines (``data.line_indexes``);
    otherwise an activity discount marks every line of the order. An activity that itself turned
    commission off (``data.commission_allowed`` false) marks its lines with a kind no setting
    allows, so they pay nothing whatever the platform switch says: both must allow it."""
    activities: dict[int, str] = {}
    for adjustment in order.adjustments or []:
        kind = adjustment.get("kind")
        if kind not in ACTIVITY_KINDS:
            continue
        data = adjustment.get("data") or {}
        if data.get("commission_allowed") is False:
            kind = f"{kind}:no_commission"
        indexes = data.get("line_indexes")
        for index in indexes if indexes is not None else range(line_count):
            activities.setdefault(int(index), kind)
    return activities


def settle_after_for(received_at: datetime | None, freeze_days: int) -> datetime | None:
    return received_at + timedelta(days=freeze_days) if received_at else None


@transaction.atomic
def commission_book(*, order_id: int, row: DistributionSettings | None = None) -> list[CommissionRecord]:
    """Handler of ``order_paid``: pending commission for every line and level of the chain, and
    one ledger entry moving it from the platform's expense to each distributor's pending."""
    snapshot = lock_order_referral(order_id)
    if snapshot is None:  # order_created was never handled: the chain as it stands now
        order_referral_snapshot(order_id=order_id)
        snapshot = lock_order_referral(order_id)
    if snapshot.booked_at is not None:
        return []
    order = Order.objects.only("id", "buyer_id", "paid_at", "received_at", "adjustments").get(pk=order_id)
    if order.paid_at is None:
        return []
    row = row or distribution_settings()
    now = timezone.now()
    records: list[CommissionRecord] = []
    distributors = Distributor.objects.select_related("tier").in_bulk(snapshot.chain)
    members = [
        ChainMember(distributor_id=d.id, level=level, rates_bps=d.tier.rates_bps)
        for level, distributor_id in enumerate(snapshot.chain, start=1)
        if (d := distributors.get(distributor_id)) is not None and d.status == DistributorStatus.ACTIVE
    ]
    if members:
        lines = list(
            OrderLine.objects.filter(order_id=order_id).only("id", "product_id", "quantity", "paid_fen").order_by("id")
        )
        activities = _line_activities(order, len(lines))
        overrides = product_overrides(line.product_id for line in lines)
        computed = compute_commission(
            lines=[
                LineInput(
                    order_line_id=line.id,
                    product_id=line.product_id,
                    quantity=line.quantity,
                    paid_fen=line.paid_fen,
                    activity=activities.get(index),
                )
                for index, line in enumerate(lines)
            ],
            chain=members,
            overrides=overrides,
            policy=CommissionPolicy(
                levels=enabled_levels(row), cap_bps=row.cap_bps, activity_allowed=dict(row.activity_commission or {})
            ),
        )
        settle_after = settle_after_for(order.received_at, row.freeze_days)
        records = CommissionRecord.objects.bulk_create(
            CommissionRecord(
                distributor_id=c.distributor_id,
                order_id=order_id,
                order_line_id=c.order_line_id,
                buyer_id=order.buyer_id,
                level=c.level,
                base_fen=c.base_fen,
                rate_bps=c.rate_bps,
                fixed_unit_fen=c.fixed_unit_fen,
                amount_fen=c.amount_fen,
                settle_after=settle_after,
            )
            for c in computed
        )
        _post_accrual(order_id, records)
        if records:
            publish_on_commit("commission_changed", order_id=order_id)
            metrics.commission_booked(records=len(records), amount_fen=sum(r.amount_fen for r in records))
    snapshot.booked_at = now
    snapshot.save(update_fields=["booked_at"])
    return records


def _post_accrual(order_id: int, records: list[CommissionRecord]) -> None:
    if not records:
        return
    per_distributor: dict[int, int] = defaultdict(int)
    for record in records:
        per_distributor[record.distributor_id] += record.amount_fen
    names: dict[str, str] = {}
    for distributor_id in per_distributor:
        names.update(ledger_accounts.names_for(distributor_id))
    ledger_post(
        kind="commission_accrue",
        reference=f"commission:accrue:order:{order_id}",
        legs=[
            *((ledger_accounts.pending(d), amount) for d, amount in sorted(per_distributor.items())),
            (ledger_accounts.COMMISSION_EXPENSE, -sum(per_distributor.values())),
        ],
        memo=f"订单 {order_id} 佣金入账（冻结）",
        names=names,
    )


def commission_schedule_settlement(*, order_id: int) -> int:
    """Handler of ``order_received``: the freeze runs from receipt; each record learns the day it
    may settle (idempotent: only records that do not know it yet)."""
    order = Order.objects.only("id", "received_at").get(pk=order_id)
    settle_after = settle_after_for(order.received_at, distribution_settings().freeze_days)
    if settle_after is None:
        return 0
    return CommissionRecord.objects.filter(
        order_id=order_id, status=CommissionStatus.PENDING, settle_after__isnull=True
    ).update(settle_after=settle_after)


def sweep_unbooked_orders(*, now: datetime) -> int:
    """Repair: a paid order whose ``order_paid`` handler failed (a crash between commit and
    delivery) is booked here. Booking is idempotent, so racing the handler is harmless."""
    due = list(
        OrderReferral.objects.filter(booked_at__isnull=True, order__paid_at__isnull=False)
        .order_by("id")
        .values_list("order_id", flat=True)[:REPAIR_BATCH]
    )
    for order_id in due:
        commission_book(order_id=order_id)
    return len(due)


def sweep_unscheduled_commission(*, now: datetime) -> int:
    """Repair: records of received orders that never learnt their settle date."""
    order_ids = list(
        CommissionRecord.objects.filter(
            status=CommissionStatus.PENDING, settle_after__isnull=True, order__received_at__isnull=False
        )
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()[:REPAIR_BATCH]
    )
    return sum(commission_schedule_settlement(order_id=order_id) for order_id in order_ids)
