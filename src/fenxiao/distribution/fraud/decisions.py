"""What a verdict on a risk case does to commission (``risk.cases.hooks``): a confirmed case takes
back every fen of commission its orders earned, at every level (the sales were not real), through
the ledger: pending commission is reversed, settled commission clawed back (even below zero, as a
refund after settlement would). A cleared case settles what is already due at once."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor, DistributorStatus
from fenxiao.distribution.network.enrolment import distributor_suspend
from fenxiao.ledger.services import ledger_post
from fenxiao.risk.models import RiskCase, RiskCaseOrder


def commission_reverse_for_case(*, case: RiskCase) -> int:
    """Reverse the net commission of the case's orders; returns the fen taken back."""
    order_ids = list(RiskCaseOrder.objects.filter(case=case).values_list("order_id", flat=True))
    records = list(CommissionRecord.objects.select_for_update().filter(order_id__in=order_ids).order_by("id"))
    legs: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    total = 0
    for record in records:
        net = record.net_fen
        if net <= 0:
            continue
        if record.status == CommissionStatus.SETTLED:
            record.clawback_fen += net
            legs[ledger_accounts.available(record.distributor_id)] -= net
            record.save(update_fields=["clawback_fen"])
        else:
            record.reversed_fen += net
            record.status = CommissionStatus.CANCELLED
            legs[ledger_accounts.pending(record.distributor_id)] -= net
            record.save(update_fields=["reversed_fen", "status"])
        names.update(ledger_accounts.names_for(record.distributor_id))
        total += net
    if total:
        legs[ledger_accounts.COMMISSION_EXPENSE] += total
        ledger_post(
            kind="commission_reverse",
            reference=f"commission:risk_case:{case.pk}",
            legs=sorted(legs.items()),
            memo=f"风险案件 #{case.pk} 确认，冲回佣金",
            names=names,
        )
    return total


def on_case_decided(*, case: RiskCase, decision: str, suspend: bool, actor_id: int) -> int:
    if decision != "confirm":
        return 0
    # The distributor row before the ledger accounts, in the order withdrawals take them.
    if suspend:
        distributor = Distributor.objects.filter(user_id=case.subject_user_id).first()
        if distributor is not None and distributor.status == DistributorStatus.ACTIVE:
            distributor_suspend(distributor_id=distributor.pk, actor_id=actor_id, reason=f"风险案件 #{case.pk} 确认")
    return commission_reverse_for_case(case=case)


def on_case_cleared(*, case_id: int, order_ids: list[int], **_payload) -> None:
    """Commission the case held that is already due settles now rather than at the next sweep."""
    commission_settle_batch(now=timezone.now())
