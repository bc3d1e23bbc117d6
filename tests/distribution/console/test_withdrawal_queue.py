"""The withdrawal queue in the console: opens on what waits for review with card numbers masked;
approve, mark bank-paid and reject call the withdrawal services, with the ledger effect checked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.models import (
    Withdrawal,
    WithdrawalStatus,
)
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.ledger.selectors import account_balance
from fenxiao.risk.models import AuditEntry
from tests.distribution.console.support import (
    BANK,
    WITHDRAWALS,
    listed,
    make_distributor,
    messages_of,
    seed_available,
    step_url,
)

pytestmark = pytest.mark.django_db


# ---- withdrawals ----------------------------------------------------------------------------------


@pytest.fixture
def bank_withdrawal() -> Withdrawal:
    """500 yuan asked for by bank transfer, above the 200-yuan auto-approve line: under review."""
    distributor = make_distributor()
    seed_available(distributor, 80_000)
    withdrawal = withdrawal_request(user_id=distributor.user_id, amount_fen=50_000, method="bank", bank=BANK)
    assert withdrawal.status == WithdrawalStatus.REVIEWING
    return withdrawal


def balances(distributor_id: int) -> tuple[int, int]:
    return account_balance(ledger_accounts.available(distributor_id)), account_balance(
        ledger_accounts.withdrawing(distributor_id)
    )


def test_withdrawal_queue_opens_on_reviewing_with_masked_card_numbers(console, bank_withdrawal):
    response = console.get(WITHDRAWALS)

    assert listed(response) == [bank_withdrawal.pk]
    html = response.content.decode()
    assert "**** 5678" in html and BANK["bank_account_no"] not in html
    assert "500.00" in html
    assert listed(console.get(WITHDRAWALS, {"status": "paid"})) == []
    detail = console.get(reverse("admin:distribution_withdrawal_change", args=[bank_withdrawal.pk])).content.decode()
    assert BANK["bank_account_no"] in detail  # the operator paying it needs the whole number
    assert step_url("withdrawal", bank_withdrawal, "approve") in detail
    assert step_url("withdrawal", bank_withdrawal, "mark-paid") not in detail


def test_approve_then_mark_bank_paid_moves_the_money_out(console, staff, bank_withdrawal):
    distributor_id = bank_withdrawal.distributor_id
    assert balances(distributor_id) == (30_000, 50_000)

    console.post(WITHDRAWALS, {"action": "approve_selected", "_selected_action": [bank_withdrawal.pk]})
    bank_withdrawal.refresh_from_db()
    assert (bank_withdrawal.status, bank_withdrawal.reviewed_by) == (WithdrawalStatus.APPROVED, staff)

    url = step_url("withdrawal", bank_withdrawal, "mark-paid")
    assert console.post(url, {"reference": ""}).context["form"].errors["reference"]
    response = console.post(url, {"reference": "HX20240501001"}, follow=True)

    bank_withdrawal.refresh_from_db()
    assert (bank_withdrawal.status, bank_withdrawal.paid_reference) == (WithdrawalStatus.PAID, "HX20240501001")
    assert balances(distributor_id) == (30_000, 0)
    assert account_balance(ledger_accounts.PAYOUT) == 50_000
    assert any("已标记已打款" in m for m in messages_of(response))
    assert AuditEntry.objects.filter(action="distribution.withdrawal_mark_paid", actor=staff).exists()
    refused = console.post(step_url("withdrawal", bank_withdrawal, "reject"), {"reason": "晚了"})
    assert "该提现已进入打款流程，不能驳回" in refused.context["form"].non_field_errors()


def test_reject_returns_the_money_to_available(console, staff, bank_withdrawal):
    url = step_url("withdrawal", bank_withdrawal, "reject")
    assert console.post(url, {"reason": " "}).context["form"].errors["reason"]

    console.post(url, {"reason": "户名与实名不一致"})

    bank_withdrawal.refresh_from_db()
    assert (bank_withdrawal.status, bank_withdrawal.reject_reason) == (WithdrawalStatus.REJECTED, "户名与实名不一致")
    assert balances(bank_withdrawal.distributor_id) == (80_000, 0)
    assert AuditEntry.objects.filter(action="distribution.withdrawal_reject", actor=staff).exists()


def test_bulk_reject_asks_for_one_reason(console, bank_withdrawal):
    selection = {"action": "reject_selected", "_selected_action": [bank_withdrawal.pk]}

    page = console.post(WITHDRAWALS, selection)
    assert page.status_code == 200 and "驳回原因" in page.content.decode()
    console.post(WITHDRAWALS, {**selection, "apply": "1", "reason": "资料不全"})

    bank_withdrawal.refresh_from_db()
    assert bank_withdrawal.status == WithdrawalStatus.REJECTED
    assert balances(bank_withdrawal.distributor_id) == (80_000, 0)
