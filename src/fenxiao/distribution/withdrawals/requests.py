"""Asking for a withdrawal (DESIGN §5): a distributor asks for part of their available balance;
it moves to ``withdrawing`` at once and is approved at once up to the auto-approve threshold, or
waits for the operator (``review``). WeChat withdrawals are paid by ``payouts``, bank ones by a
transfer the operator records; how either ends is in ``outcomes``.

A withdrawal can never overdraw: the distributor row is locked (one request at a time per
distributor, which also makes the daily limit exact) and the ledger refuses to take
``available`` below zero. A balance made negative by a clawback blocks every withdrawal until
later commission has repaid it. Settled commission on an order in an open risk case stays in
``available`` but may not leave: it is the floor the withdrawal must leave behind (issue 19 §1),
and a blacklisted person cannot withdraw at all. Past the operator's real-name threshold, a
distributor without real name is refused (``identity.gate``)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.money import fen_to_yuan as format_yuan
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.errors import DistributionConflict, DistributionError
from fenxiao.distribution.identity.gate import identity_gate_check
from fenxiao.distribution.locks import lock_distributor_of_user
from fenxiao.distribution.models import (
    CommissionRecord,
    CommissionStatus,
    DistributionSettings,
    Withdrawal,
    WithdrawalMethod,
    WithdrawalStatus,
)
from fenxiao.distribution.withdrawals.payouts import withdrawal_payout_after_commit
from fenxiao.ledger.errors import InsufficientBalance
from fenxiao.ledger.selectors import account_balance
from fenxiao.ledger.services import ledger_post
from fenxiao.risk.blacklist.services import blacklist_refuse
from fenxiao.risk.models import RiskCaseOrder

RETURNED = (WithdrawalStatus.FAILED, WithdrawalStatus.REJECTED)
BANK_FIELDS = ("bank_name", "bank_account_name", "bank_account_no")


def withdrawal_minimum_fen(row: DistributionSettings) -> int:
    """The smallest amount a request may ask for: the operator's minimum, never below 1 fen."""
    return max(row.withdraw_min_fen, 1)


def withdrawal_fee(*, amount_fen: int, fee_bps: int, fee_min_fen: int) -> int:
    """Fee in fen: the rate rounded down, never below the minimum fee (when there is a fee)."""
    if fee_bps <= 0 and fee_min_fen <= 0:
        return 0
    return max(amount_fen * fee_bps // 10_000, fee_min_fen)


def new_out_bill_no(now: datetime) -> str:
    """``W`` + local time to the second + 10 random digits: 25 characters, unique in practice and
    by the database constraint, and readable in WeChat's merchant console."""
    return f"W{timezone.localtime(now):%Y%m%d%H%M%S}{secrets.randbelow(10**10):010d}"


def day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def withdrawn_today_fen(distributor_id: int, now: datetime) -> int:
    start = day_start(now)
    total = (
        Withdrawal.objects.filter(
            distributor_id=distributor_id, created_at__gte=start, created_at__lt=start + timedelta(days=1)
        )
        .exclude(status__in=RETURNED)
        .aggregate(total=Sum("amount_fen"))["total"]
    )
    return int(total or 0)


def held_settled_fen(distributor_id: int) -> int:
    """Settled commission of this distributor on orders an open risk case holds."""
    held = RiskCaseOrder.objects.filter(order_id=OuterRef("order_id"), held=True)
    total = (
        CommissionRecord.objects.filter(distributor_id=distributor_id, status=CommissionStatus.SETTLED)
        .filter(Exists(held))
        .aggregate(total=Sum(F("amount_fen") - F("reversed_fen") - F("clawback_fen")))["total"]
    )
    return max(int(total or 0), 0)


def _clean_bank(method: str, bank: Mapping[str, str] | None) -> dict[str, str]:
    if method != WithdrawalMethod.BANK:
        return {}
    values = {name: str((bank or {}).get(name, "")).strip() for name in BANK_FIELDS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise DistributionError("WITHDRAW_BANK_INFO_REQUIRED", "银行卡提现请填写开户行、户名和卡号", field=missing[0])
    if not values["bank_account_no"].isdigit() or not 12 <= len(values["bank_account_no"]) <= 30:
        raise DistributionError("WITHDRAW_BANK_ACCOUNT_INVALID", "银行卡号应为 12-30 位数字", field="bank_account_no")
    return values


@transaction.atomic
def withdrawal_request(
    *, user_id: int, amount_fen: int, method: str, bank: Mapping[str, str] | None = None, now: datetime | None = None
) -> Withdrawal:
    now = now or timezone.now()
    row = distribution_settings()
    if method not in WithdrawalMethod.values:
        raise DistributionError("WITHDRAW_METHOD_INVALID", "提现方式只能是 wechat 或 bank", field="method")
    minimum = withdrawal_minimum_fen(row)
    if amount_fen < minimum:
        raise DistributionError(
            "WITHDRAW_BELOW_MINIMUM",
            f"单笔提现不能低于 {format_yuan(minimum)} 元",
            field="amount_fen",
        )
    bank_values = _clean_bank(method, bank)
    distributor = lock_distributor_of_user(user_id)
    blacklist_refuse(user_id=user_id, action="withdrawal")
    openid = ""
    if method == WithdrawalMethod.WECHAT:
        openid = User.objects.filter(pk=user_id).values_list("openid", flat=True).first() or ""
        if not openid:
            raise DistributionError("WITHDRAW_WECHAT_UNBOUND", "您的账号未绑定微信，无法提现到微信零钱")
    fee = withdrawal_fee(amount_fen=amount_fen, fee_bps=row.withdraw_fee_bps, fee_min_fen=row.withdraw_fee_min_fen)
    if fee >= amount_fen:
        raise DistributionError(
            "WITHDRAW_FEE_EXCEEDS_AMOUNT", f"手续费 {format_yuan(fee)} 元不低于提现金额", field="amount_fen"
        )
    used = withdrawn_today_fen(distributor.id, now)
    if used + amount_fen > row.withdraw_daily_limit_fen:
        left = max(row.withdraw_daily_limit_fen - used, 0)
        raise DistributionConflict("WITHDRAW_DAILY_LIMIT", f"超出每日提现上限，今日还可提现 {format_yuan(left)} 元")
    identity_gate_check(
        distributor_id=distributor.id, amount_fen=amount_fen, threshold_fen=row.identity_required_over_fen
    )
    auto = amount_fen <= row.withdraw_auto_approve_max_fen
    withdrawal = Withdrawal.objects.create(
        distributor=distributor,
        amount_fen=amount_fen,
        fee_fen=fee,
        method=method,
        status=WithdrawalStatus.APPROVED if auto else WithdrawalStatus.REVIEWING,
        out_bill_no=new_out_bill_no(now),
        openid=openid,
        reviewed_at=now if auto else None,
        **bank_values,
    )
    available = ledger_accounts.available(distributor.id)
    held = held_settled_fen(distributor.id)
    try:
        ledger_post(
            kind="withdrawal_request",
            reference=f"withdrawal:request:{withdrawal.id}",
            legs=[(available, -amount_fen), (ledger_accounts.withdrawing(distributor.id), amount_fen)],
            floors={available: held},
            memo=f"提现申请 {withdrawal.out_bill_no}",
            names=ledger_accounts.names_for(distributor.id),
        )
    except InsufficientBalance as exc:
        balance = account_balance(available)
        if balance < 0:
            message = f"您有 {format_yuan(-balance)} 元退款追回的佣金待抵扣，抵扣完成前不能提现"
        elif held:
            message = (
                f"可提现余额不足，当前可提现 {format_yuan(max(balance - held, 0))} 元"
                f"（另有 {format_yuan(held)} 元佣金审核中）"
            )
        else:
            message = f"可提现余额不足，当前可提现 {format_yuan(balance)} 元"
        raise DistributionConflict("WITHDRAW_INSUFFICIENT_BALANCE", message) from exc
    if auto and method == WithdrawalMethod.WECHAT:
        withdrawal_payout_after_commit(withdrawal.id)
    return withdrawal
