"""Settlement (DESIGN §5 lifecycle): when the freeze after receipt ends, pending commission
becomes withdrawable. Runs in the sweeps, in batches: one UPDATE of the records and one ledger
transaction per batch (pending → available per distributor). A record of an order with an
after-sale still open waits, because that after-sale may still take commission back; so does one
of an order in an open risk case (issue 19 §1: held until an operator clears or confirms it).

Tier upgrades for the distributors a sweep touched run after its batches have committed, set-based
and in their own transaction. Keeping them out of the batch keeps the lock order of DESIGN
(distributor row before ledger accounts, as withdrawals take them): a batch never locks a
distributor row after holding ledger accounts, so it cannot deadlock with a withdrawal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Sum

from fenxiao.core.extensions import publish_on_commit
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.locks import lock_commission_as_read
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor, Tier
from fenxiao.ledger.services import ledger_post
from fenxiao.orders.models import OPEN_AFTER_SALE, AfterSale
from fenxiao.risk.models import AuditEntry, RiskCaseOrder

BATCH = 10_000


@dataclass(frozen=True)
class TierProgress:
    sales_fen: int
    customers: int
    orders: int


def _claim_due_postgres(now: datetime, batch: int) -> list[tuple[int, int, int]]:
    """One statement: pick the due records (skipping rows another sweeper or a refund holds),
    mark them settled and hand back what each adds to its distributor's available balance."""
    record = CommissionRecord._meta.db_table
    after_sale = AfterSale._meta.db_table
    held = RiskCaseOrder._meta.db_table
    open_statuses = list(OPEN_AFTER_SALE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {record} r SET status = %s, settled_at = %s
            FROM (
                SELECT c.id FROM {record} c
                WHERE c.status = %s AND c.settle_after <= %s
                  AND NOT EXISTS (
                      SELECT 1 FROM {after_sale} a WHERE a.order_id = c.order_id AND a.status = ANY(%s)
                  )
                  AND NOT EXISTS (SELECT 1 FROM {held} h WHERE h.order_id = c.order_id AND h.held)
                ORDER BY c.id LIMIT %s
                FOR UPDATE OF c SKIP LOCKED
            ) due
            WHERE r.id = due.id
            RETURNING r.id, r.distributor_id, r.amount_fen - r.reversed_fen
            """,
            [CommissionStatus.SETTLED, now, CommissionStatus.PENDING, now, open_statuses, batch],
        )
        rows = cursor.fetchall()
    rows.sort()
    return rows


def _claim_due_portable(now: datetime, batch: int) -> list[tuple[int, int, int]]:
    open_after_sale = AfterSale.objects.filter(order_id=OuterRef("order_id"), status__in=OPEN_AFTER_SALE)
    held = RiskCaseOrder.objects.filter(order_id=OuterRef("order_id"), held=True)
    query = lock_commission_as_read(
        CommissionRecord.objects.filter(status=CommissionStatus.PENDING, settle_after__lte=now)
        .filter(~Exists(open_after_sale))
        .filter(~Exists(held))
        .order_by("id")
    )
    rows = list(query.values_list("id", "distributor_id", F("amount_fen") - F("reversed_fen"))[:batch])
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 5_000):  # SQLite's limit on bound parameters
        CommissionRecord.objects.filter(pk__in=ids[start : start + 5_000]).update(
            status=CommissionStatus.SETTLED, settled_at=now
        )
    return rows


@transaction.atomic
def _settle_batch(now: datetime, batch: int) -> tuple[int, set[int]]:
    """Settle up to ``batch`` due records in one transaction; returns how many and whose."""
    claim = _claim_due_postgres if connection.vendor == "postgresql" else _claim_due_portable
    rows = claim(now, batch)
    if not rows:
        return 0, set()
    per_distributor: dict[int, int] = defaultdict(int)
    settled_ids: dict[int, list[int]] = defaultdict(list)
    for record_id, distributor_id, net in rows:
        per_distributor[distributor_id] += net
        settled_ids[distributor_id].append(record_id)
    for distributor_id, record_ids in sorted(settled_ids.items()):
        publish_on_commit("commission_settled", distributor_id=distributor_id, commission_ids=sorted(record_ids))
    legs: list[tuple[str, int]] = []
    names: dict[str, str] = {}
    for distributor_id, amount in sorted(per_distributor.items()):
        if amount:
            legs.append((ledger_accounts.pending(distributor_id), -amount))
            legs.append((ledger_accounts.available(distributor_id), amount))
            names.update(ledger_accounts.names_for(distributor_id))
    if legs:
        ledger_post(
            kind="commission_settle",
            reference=f"commission:settle:{rows[0][0]}-{rows[-1][0]}:{len(rows)}:{now.isoformat()}",
            legs=legs,
            memo=f"佣金结算 {len(rows)} 条",
            names=names,
        )
    return len(rows), set(per_distributor)


def commission_settle_batch(*, now: datetime, batch: int = BATCH) -> int:
    """Settle up to ``batch`` due records, then check the tiers of those it paid (after the
    batch committed); returns how many records settled."""
    count, touched = _settle_batch(now, batch)
    tier_upgrade_check(distributor_ids=sorted(touched))
    return count


def sweep_settle_commission(*, now: datetime) -> int:
    """Every due record, batch after batch; the tiers of everyone paid are checked once at the end."""
    settled = 0
    touched: set[int] = set()
    while True:
        count, distributors = _settle_batch(now, BATCH)
        settled += count
        touched |= distributors
        if count < BATCH:
            break
    tier_upgrade_check(distributor_ids=sorted(touched))
    return settled


def tier_progress(distributor_ids: list[int]) -> dict[int, TierProgress]:
    """Own settled sales: level-1 records only (what the distributor's own customers bought and
    kept). Recruiting never appears here."""
    rows = (
        CommissionRecord.objects.filter(distributor_id__in=distributor_ids, level=1, status=CommissionStatus.SETTLED)
        .values("distributor_id")
        .annotate(
            sales=Sum(F("base_fen") - F("refunded_base_fen")),
            customers=Count("buyer_id", distinct=True),
            orders=Count("order_id", distinct=True),
        )
    )
    return {r["distributor_id"]: TierProgress(int(r["sales"] or 0), r["customers"], r["orders"]) for r in rows}


def tier_reached(progress: TierProgress, tiers: list[Tier]) -> Tier | None:
    """The highest tier whose every threshold is met."""
    reached = None
    for tier in sorted(tiers, key=lambda t: t.rank):
        if (
            progress.sales_fen >= tier.min_sales_fen
            and progress.customers >= tier.min_customers
            and progress.orders >= tier.min_orders
        ):
            reached = tier
    return reached


@transaction.atomic
def tier_upgrade_check(*, distributor_ids: list[int]) -> int:
    """Move each distributor up to the highest tier their real sales reach; never down. One
    UPDATE per target tier (guarded so a concurrent upgrade is never undone) and one insert of
    the audit entries."""
    if not distributor_ids:
        return 0
    tiers = sorted(Tier.objects.all(), key=lambda t: t.rank)
    if not tiers:
        return 0
    candidates = list(
        Distributor.objects.filter(pk__in=distributor_ids)
        .exclude(tier__rank__gte=tiers[-1].rank)
        .values_list("id", "code", "tier__rank")
    )
    if not candidates:
        return 0
    progress = tier_progress([c[0] for c in candidates])
    moves: dict[Tier, list[tuple[int, str]]] = defaultdict(list)
    for distributor_id, code, rank in candidates:
        target = tier_reached(progress.get(distributor_id, TierProgress(0, 0, 0)), tiers)
        if target is not None and target.rank > rank:
            moves[target].append((distributor_id, code))
    upgraded = 0
    entries: list[AuditEntry] = []
    for target, members in moves.items():
        lower = [t.id for t in tiers if t.rank < target.rank]
        upgraded += Distributor.objects.filter(pk__in=[m[0] for m in members], tier_id__in=lower).update(tier=target)
        entries += [
            AuditEntry(
                action="distribution.tier_upgrade",
                target_type="distributor",
                target_id=str(distributor_id),
                summary=f"分销商 {code} 升级为 {target.name}",
            )
            for distributor_id, code in members
        ]
    AuditEntry.objects.bulk_create(entries, batch_size=1_000)
    return upgraded
