"""How a withdrawal ends (DESIGN §5, §6): paid, which books the payout and the fee, or returned
(rejected before any money left, or a failed transfer), which gives the amount back to the
distributor's available balance. The operator's review and the WeChat payout both end withdrawals
through here, with the withdrawal row locked, so each ending is one ledger posting under one
reference whatever path reached it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from fenxiao.core.extensions import publish_on_commit
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.models import Withdrawal, WithdrawalStatus
from fenxiao.ledger.services import ledger_post


def return_money(withdrawal: Withdrawal, *, kind: str, memo: str) -> None:
    """The whole amount back from ``withdrawing`` to ``available``: nothing left the platform."""
    distributor_id = withdrawal.distributor_id
    ledger_post(
        kind=kind,
        reference=f"withdrawal:return:{withdrawal.id}",
        legs=[
            (ledger_accounts.withdrawing(distributor_id), -withdrawal.amount_fen),
            (ledger_accounts.available(distributor_id), withdrawal.amount_fen),
        ],
        memo=memo,
        names=ledger_accounts.names_for(distributor_id),
    )


def book_paid(withdrawal: Withdrawal) -> None:
    """The money left: the net amount to the payout account, the fee to the platform's fees."""
    distributor_id = withdrawal.distributor_id
    ledger_post(
        kind="withdrawal_paid",
        reference=f"withdrawal:paid:{withdrawal.id}",
        legs=[
            (ledger_accounts.withdrawing(distributor_id), -withdrawal.amount_fen),
            (ledger_accounts.PAYOUT, withdrawal.net_fen),
            (ledger_accounts.WITHDRAWAL_FEES, withdrawal.fee_fen),
        ],
        memo=f"提现到账 {withdrawal.out_bill_no}",
        names=ledger_accounts.names_for(distributor_id),
    )


def withdrawal_finish(withdrawal: Withdrawal, *, paid: bool, reason: str = "", at: datetime | None = None) -> bool:
    """A WeChat payout reached its end (called with the withdrawal row locked). Returns False when
    it had already ended: a repeated notification or a query racing it changes nothing."""
    if withdrawal.status != WithdrawalStatus.PAYING:
        return False
    at = at or timezone.now()
    if paid:
        withdrawal.status = WithdrawalStatus.PAID
        withdrawal.paid_at = at
        withdrawal.save(update_fields=["status", "paid_at", "transfer_state", "transfer_bill_no", "updated_at"])
        book_paid(withdrawal)
        publish_on_commit("withdrawal_paid", withdrawal_id=withdrawal.pk)
    else:
        withdrawal.status = WithdrawalStatus.FAILED
        withdrawal.fail_reason = reason[:200]
        withdrawal.closed_at = at
        withdrawal.save(
            update_fields=["status", "fail_reason", "closed_at", "transfer_state", "transfer_bill_no", "updated_at"]
        )
        return_money(withdrawal, kind="withdrawal_failed", memo=f"提现失败退回 {withdrawal.out_bill_no}")
        publish_on_commit("withdrawal_failed", withdrawal_id=withdrawal.pk)
    return True
