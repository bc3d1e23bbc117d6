"""Ledger account codes for distribution money (DESIGN §6). The ledger knows only these strings;
this module is the one place that maps a distributor to them.

A distributor's balances are liabilities of the platform, positive when owed to them:
``pending`` (frozen until settlement), ``available`` (withdrawable; negative after a clawback,
which later commission repays first) and ``withdrawing`` (asked for, not yet paid). Platform
accounts mirror them: ``commission_expense`` goes down as commission is earned, ``payout`` up
as money leaves through WeChat or the bank, ``withdrawal_fees`` up by the fees kept."""

from __future__ import annotations

COMMISSION_EXPENSE = "platform:commission_expense"
PAYOUT = "platform:payout"
WITHDRAWAL_FEES = "platform:withdrawal_fees"

PLATFORM_NAMES = {
    COMMISSION_EXPENSE: "平台佣金支出",
    PAYOUT: "平台已打款",
    WITHDRAWAL_FEES: "平台提现手续费",
}

BUCKET_NAMES = {"pending": "待结算佣金", "available": "可提现佣金", "withdrawing": "提现中"}


def pending(distributor_id: int) -> str:
    return f"distributor:{distributor_id}:pending"


def available(distributor_id: int) -> str:
    return f"distributor:{distributor_id}:available"


def withdrawing(distributor_id: int) -> str:
    return f"distributor:{distributor_id}:withdrawing"


def names_for(distributor_id: int) -> dict[str, str]:
    """Chinese labels for the accounts the ledger creates on first use."""
    return {
        pending(distributor_id): f"分销商{distributor_id} {BUCKET_NAMES['pending']}",
        available(distributor_id): f"分销商{distributor_id} {BUCKET_NAMES['available']}",
        withdrawing(distributor_id): f"分销商{distributor_id} {BUCKET_NAMES['withdrawing']}",
        **PLATFORM_NAMES,
    }
