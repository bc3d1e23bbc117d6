"""Settlement (DESIGN §5 lifecycle): when the freeze after receipt ends, pending commission
becomes withdrawable. Runs in the sweeps, in batches: one UPDATE of the records, one ledger
transaction for the whole batch (pending → available per distributor), then tier upgrades for
the distributors it touched. A record of an order with an after-sale still open waits, because
that after-sale may still take commission back before it settles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Sum

from fenxiao.distribution import accounts
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor, Tier
from fenxiao.ledger.services import ledger_post
from fenxiao.orders.models import AfterSale
from fenxiao.orders.services import OPEN_AFTER_SALE
from fenxiao.risk.audit import audit_record

BATCH = 10_000


@dataclass(frozen=True)
class TierProgress:
    sales_fen: int
    customers: int
    orders: int


def _due_records(now: datetime, batch: int):
    open_after_sale = AfterSale.objects.filter(order_id=OuterRef("order_id"), status__in=OPEN_AFTER_SALE)
    query = (
        CommissionRecord.objects.filter(status=CommissionStatus.PENDING, settle_after__lte=now)
        .filter(~Exists(open_after_sale))
        .order_by("id")
    )
    if connection.features.has_select_for_update_skip_locked:
        # Two sweepers (or a sweeper and a refund) never wait on each other's rows.
        query = query.select_for_update(skip_locked=True, of=("self",))
    return list(query.values_list("id", "distributor_id", F("amount_fen") - F("reversed_fen"))[:batch])


@transaction.atomic
def commission_settle_batch(*, now: datetime, batch: int = BATCH) -> int:
    """Settle up to ``batch`` due records; returns how many."""
    rows = _due_records(now, batch)
    if not rows:
        return 0
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 5_000):
        CommissionRecord.objects.filter(pk__in=ids[start : start + 5_000]).update(
            status=CommissionStatus.SETTLED, settled_at=now
        )
    per_distributor: dict[int, int] = defaultdict(int)
    for _id, distributor_id, net in rows:
        per_distributor[distributor_id] += net
    legs: list[tuple[str, int]] = []
    names: dict[str, str] = {}
    for distributor_id, amount in sorted(per_distributor.items()):
        if amount:
            legs.append((accounts.pending(distributor_id), -amount))
            legs.append((accounts.available(distributor_id), amount))
            names.update(accounts.names_for(distributor_id))
    if legs:
        ledger_post(
            kind="commission_settle",
            reference=f"commission:settle:{ids[0]}-{ids[-1]}:{len(ids)}:{now.isoformat()}",
            legs=legs,
            memo=f"佣金结算 {len(ids)} 条",
            names=names,
        )
    tier_upgrade_check(distributor_ids=list(per_distributor))
    return len(ids)


def sweep_settle_commission(*, now: datetime) -> int:
    settled = 0
    while True:
        count = commission_settle_batch(now=now)
        settled += count
        if count < BATCH:
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


def tier_upgrade_check(*, distributor_ids: list[int]) -> int:
    """Move each distributor up to the highest tier their real sales reach; never down."""
    if not distributor_ids:
        return 0
    tiers = list(Tier.objects.all())
    ranks = {t.id: t.rank for t in tiers}
    progress = tier_progress(distributor_ids)
    upgraded = 0
    for distributor in Distributor.objects.filter(pk__in=list(progress)).only("id", "tier_id", "code"):
        target = tier_reached(progress[distributor.id], tiers)
        if target is None or target.rank <= ranks.get(distributor.tier_id, -1):
            continue
        Distributor.objects.filter(pk=distributor.id).update(tier=target)
        audit_record(
            actor_id=None,
            action="distribution.tier_upgrade",
            target_type="distributor",
            target_id=distributor.id,
            summary=f"分销商 {distributor.code} 升级为 {target.name}",
        )
        upgraded += 1
    return upgraded
