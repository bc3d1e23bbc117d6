"""Each distributor's income in a period, read from the ledger (DESIGN §6), so the report always
reconciles with the books. The definitions, which the report's header and the statement repeat:

- A ledger transaction belongs to the period in which it was posted (``created_at``), taken as a
  local date in the shop's time zone (``quarters``): Q4 2026 is 2026-10-01 00:00 to 2027-01-01
  00:00 Beijing time.
- **Commission income** (佣金收入): the positive legs on the distributor's accounts in every
  transaction that also has a leg on ``platform:commission_expense``, i.e. commission booked
  when an order was paid (``commission_accrue``, frozen until settlement, but earned).
- **Refunds and clawbacks** (退款冲减及追回): the negative legs on the distributor's accounts in
  those transactions: commission reduced by a refund before settlement and taken back after it
  (and any other reversal of commission through the expense account), in the quarter of the
  refund, not of the original sale.
- **Net income** (净收入) = income − refunds and clawbacks; it may be negative in a quarter whose
  refunds exceed its sales. Summed over every distributor it equals minus the movement of
  ``platform:commission_expense`` in the period: the reconciliation.
- **Commission records** (佣金笔数): ``CommissionRecord`` rows created in the period (one per order
  line and level, created in the same transaction as the income posting).
- **Paid withdrawals** (已提现金额): amounts leaving the distributor's ``withdrawing`` account in
  ``withdrawal_paid`` transactions posted in the period (fee included: it was paid out of their
  income), not asked-for or failed ones."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When

from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.models import CommissionRecord
from fenxiao.distribution.tax.quarters import Period
from fenxiao.ledger.models import Leg

DISTRIBUTOR_PREFIX = "distributor:"
PAID_KIND = "withdrawal_paid"


@dataclass
class Figures:
    commission_fen: int = 0
    refunds_fen: int = 0
    record_count: int = 0
    withdrawals_paid_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.commission_fen - self.refunds_fen

    @property
    def is_empty(self) -> bool:
        return not (self.commission_fen or self.refunds_fen or self.record_count or self.withdrawals_paid_fen)


def _distributor_id(code: str) -> int:
    return int(code.split(":")[1])


def _in_period(period: Period, prefix: str = "transaction__") -> Q:
    return Q(**{f"{prefix}created_at__gte": period.start, f"{prefix}created_at__lt": period.end})


def _account_filter(distributor_ids: list[int] | None) -> Q:
    if distributor_ids is None:
        return Q(account__code__startswith=DISTRIBUTOR_PREFIX)
    codes = [
        code(d)
        for d in distributor_ids
        for code in (ledger_accounts.pending, ledger_accounts.available, ledger_accounts.withdrawing)
    ]
    return Q(account__code__in=codes)


def period_figures(period: Period, *, distributor_ids: list[int] | None = None) -> dict[int, Figures]:
    """Figures per distributor id for ``period`` (every distributor with any, or only those named)."""
    found: dict[int, Figures] = defaultdict(Figures)
    commission_tx = Leg.objects.filter(_in_period(period), account__code=ledger_accounts.COMMISSION_EXPENSE).values(
        "transaction_id"
    )
    commission_legs = (
        Leg.objects.filter(_account_filter(distributor_ids), transaction_id__in=commission_tx)
        .values("account__code")
        .annotate(
            plus=Sum(Case(When(amount_fen__gt=0, then=F("amount_fen")), default=0, output_field=IntegerField())),
            minus=Sum(Case(When(amount_fen__lt=0, then=-F("amount_fen")), default=0, output_field=IntegerField())),
        )
    )
    for row in commission_legs:
        figures = found[_distributor_id(row["account__code"])]
        figures.commission_fen += int(row["plus"] or 0)
        figures.refunds_fen += int(row["minus"] or 0)
    paid_legs = (
        Leg.objects.filter(_in_period(period), transaction__kind=PAID_KIND, amount_fen__lt=0)
        .filter(_account_filter(distributor_ids))
        .values("account__code")
        .annotate(total=Sum("amount_fen"))
    )
    for row in paid_legs:
        found[_distributor_id(row["account__code"])].withdrawals_paid_fen += -int(row["total"] or 0)
    records = CommissionRecord.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if distributor_ids is not None:
        records = records.filter(distributor_id__in=distributor_ids)
    for row in records.values("distributor_id").annotate(n=Count("id")):
        found[row["distributor_id"]].record_count += int(row["n"])
    return {d: f for d, f in found.items() if not f.is_empty}


def commission_expense_movement_fen(period: Period) -> int:
    """Minus the movement of the platform's commission expense in ``period``: what the net income
    of every distributor must add up to."""
    total = Leg.objects.filter(_in_period(period), account__code=ledger_accounts.COMMISSION_EXPENSE).aggregate(
        total=Sum("amount_fen")
    )["total"]
    return -int(total or 0)
