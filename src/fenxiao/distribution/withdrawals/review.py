"""The operator's decisions on a withdrawal (DESIGN §5): approve one under review (a WeChat
withdrawal then goes to ``payouts``), reject one before any money left (the amount goes back to
``available``), or record the bank transfer that paid a bank withdrawal. Each locks the
withdrawal row, checks its state, and is in the audit log."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fenxiao.core.extensions import publish_on_commit
from fenxiao.core.money import fen_to_yuan as format_yuan
from fenxiao.distribution.errors import DistributionConflict, DistributionError
from fenxiao.distribution.locks import lock_withdrawal
from fenxiao.distribution.models import Withdrawal, WithdrawalMethod, WithdrawalStatus
from fenxiao.distribution.withdrawals.outcomes import book_paid, return_money
from fenxiao.distribution.withdrawals.payouts import withdrawal_payout_after_commit
from fenxiao.risk.audit import audit_record


@transaction.atomic
def withdrawal_approve(*, withdrawal_id: int, actor_id: int) -> Withdrawal:
    withdrawal = lock_withdrawal(withdrawal_id)
    if withdrawal.status != WithdrawalStatus.REVIEWING:
        raise DistributionConflict("WITHDRAW_NOT_REVIEWING", "该提现不在待审核状态")
    withdrawal.status = WithdrawalStatus.APPROVED
    withdrawal.reviewed_by_id = actor_id
    withdrawal.reviewed_at = timezone.now()
    withdrawal.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        actor_id=actor_id,
        action="distribution.withdrawal_approve",
        target_type="withdrawal",
        target_id=withdrawal.pk,
        summary=f"通过提现 {withdrawal.out_bill_no}（{format_yuan(withdrawal.amount_fen)} 元）",
    )
    if withdrawal.method == WithdrawalMethod.WECHAT:
        withdrawal_payout_after_commit(withdrawal.id)
    return withdrawal


@transaction.atomic
def withdrawal_reject(*, withdrawal_id: int, actor_id: int, reason: str) -> Withdrawal:
    """Before any money left: under review, or an approved bank withdrawal not yet paid."""
    reason = reason.strip()
    if not reason:
        raise DistributionError("WITHDRAW_REJECT_REASON_REQUIRED", "驳回时请填写原因", field="reason")
    withdrawal = lock_withdrawal(withdrawal_id)
    rejectable = withdrawal.status == WithdrawalStatus.REVIEWING or (
        withdrawal.status == WithdrawalStatus.APPROVED and withdrawal.method == WithdrawalMethod.BANK
    )
    if not rejectable:
        raise DistributionConflict("WITHDRAW_NOT_REJECTABLE", "该提现已进入打款流程，不能驳回")
    now = timezone.now()
    withdrawal.status = WithdrawalStatus.REJECTED
    withdrawal.reject_reason = reason[:200]
    withdrawal.reviewed_by_id = actor_id
    withdrawal.reviewed_at = withdrawal.reviewed_at or now
    withdrawal.closed_at = now
    withdrawal.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at", "closed_at", "updated_at"])
    return_money(withdrawal, kind="withdrawal_reject", memo=f"提现驳回退回 {withdrawal.out_bill_no}")
    publish_on_commit("withdrawal_failed", withdrawal_id=withdrawal.pk)
    audit_record(
        actor_id=actor_id,
        action="distribution.withdrawal_reject",
        target_type="withdrawal",
        target_id=withdrawal.pk,
        summary=f"驳回提现 {withdrawal.out_bill_no}：{reason[:100]}",
    )
    return withdrawal


@transaction.atomic
def withdrawal_mark_bank_paid(*, withdrawal_id: int, actor_id: int, reference: str) -> Withdrawal:
    reference = reference.strip()
    if not reference:
        raise DistributionError("WITHDRAW_REFERENCE_REQUIRED", "请填写银行打款凭证号", field="reference")
    withdrawal = lock_withdrawal(withdrawal_id)
    if withdrawal.method != WithdrawalMethod.BANK:
        raise DistributionConflict("WITHDRAW_NOT_BANK", "微信提现由微信转账完成，不能手工标记已打款")
    if withdrawal.status != WithdrawalStatus.APPROVED:
        raise DistributionConflict("WITHDRAW_NOT_APPROVED", "只有已审核通过、待打款的提现可以标记已打款")
    withdrawal.status = WithdrawalStatus.PAID
    withdrawal.paid_reference = reference[:64]
    withdrawal.paid_at = timezone.now()
    withdrawal.save(update_fields=["status", "paid_reference", "paid_at", "updated_at"])
    book_paid(withdrawal)
    publish_on_commit("withdrawal_paid", withdrawal_id=withdrawal.pk)
    audit_record(
        actor_id=actor_id,
        action="distribution.withdrawal_mark_paid",
        target_type="withdrawal",
        target_id=withdrawal.pk,
        summary=f"银行打款 {withdrawal.out_bill_no}，凭证 {reference[:64]}",
    )
    return withdrawal
