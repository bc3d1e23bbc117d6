"""Refunds take commission back in proportion, exact to the fen (DESIGN §5).

The records of a line follow the line's refunded amount rather than counting refund events: the
handler of ``order_line_refunded`` brings each record up to what the line has refunded so far,
so a replay, a missed event or the repair sweep all end in the same place.

Before settlement the pending commission shrinks (and is cancelled when nothing is left). After
settlement the money already sits in the distributor's available balance, perhaps withdrawn: a
clawback takes it from there even below zero, and later commission repays the debt before any
withdrawal is possible (``withdrawals`` requires a positive available balance)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Least

from fenxiao.core.extensions import publish_on_commit
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.commission.rules import commission_after_refund
from fenxiao.distribution.locks import lock_line_commission
from fenxiao.distribution.models import CommissionRecord, CommissionStatus
from fenxiao.ledger.services import ledger_post
from fenxiao.orders.models import OrderLine

REPAIR_BATCH = 500


@transaction.atomic
def commission_refund_sync(*, order_line_id: int) -> int:
    """Bring the line's commission records up to the line's refunded amount; returns the fen taken
    back. Locks the records (by id) before the ledger accounts, like settlement does."""
    records = lock_line_commission(order_line_id)
    if not records:
        return 0
    refunded = OrderLine.objects.filter(pk=order_line_id).values_list("refunded_fen", flat=True).get()
    legs: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    taken_total = 0
    for record in records:
        target = min(refunded, record.base_fen)
        if target <= record.refunded_base_fen:
            continue
        taken = commission_after_refund(
            amount_fen=record.amount_fen,
            base_fen=record.base_fen,
            refunded_base_before=record.refunded_base_fen,
            refund_fen=target - record.refunded_base_fen,
        )
        # A confirmed risk case may already have taken the record to zero: never take twice.
        taken = min(taken, max(record.net_fen, 0))
        record.refunded_base_fen = target
        fields = ["refunded_base_fen"]
        if taken:
            if record.status == CommissionStatus.SETTLED:
                record.clawback_fen += taken
                fields.append("clawback_fen")
                legs[ledger_accounts.available(record.distributor_id)] -= taken
            else:
                record.reversed_fen += taken
                fields.append("reversed_fen")
                legs[ledger_accounts.pending(record.distributor_id)] -= taken
                if record.net_fen == 0:
                    record.status = CommissionStatus.CANCELLED
                    fields.append("status")
            names.update(ledger_accounts.names_for(record.distributor_id))
            taken_total += taken
        record.save(update_fields=fields)
    if taken_total:
        legs[ledger_accounts.COMMISSION_EXPENSE] += taken_total
        ledger_post(
            kind="commission_reverse",
            reference=f"commission:refund:line:{order_line_id}:{refunded}",
            legs=sorted(legs.items()),
            memo=f"订单行 {order_line_id} 退款，冲减佣金",
            names=names,
        )
        publish_on_commit("commission_changed", order_id=records[0].order_id)
    return taken_total


def sweep_unsynced_refunds(*, now: datetime) -> int:
    """Repair: records that lag behind their line's refunded amount."""
    line_ids = list(
        CommissionRecord.objects.filter(
            refunded_base_fen__lt=Least(F("order_line__refunded_fen"), F("base_fen")),
        )
        .order_by("order_line_id")
        .values_list("order_line_id", flat=True)
        .distinct()[:REPAIR_BATCH]
    )
    for line_id in line_ids:
        commission_refund_sync(order_line_id=line_id)
    return len(line_ids)
