"""Withdrawals: the rules on the way in, the money in the ledger at every step, and the WeChat
merchant transfer played end to end by the sandbox (real signatures, real notification path)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import Withdrawal, WithdrawalStatus
from fenxiao.distribution.withdrawals.payouts import sweep_payouts, withdrawal_payout_query
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.distribution.withdrawals.review import withdrawal_approve, withdrawal_mark_bank_paid, withdrawal_reject
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway
from fenxiao.integrations.wechat.transfer.sandbox_controls import (
    sandbox_transfer_confirm,
    sandbox_transfer_fail,
    sandbox_transfer_next_create,
)
from fenxiao.ledger.selectors import account_balance
from fenxiao.ledger.services import ledger_post
from tests.distribution.support import Balances, balances, make_distributor

pytestmark = pytest.mark.django_db
_seq = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_transfer_gateway(sandbox_dir):
    reset_transfer_gateway()
    yield
    reset_transfer_gateway()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create(username="finance", is_staff=True)


def fund(distributor, fen: int) -> None:
    """Settled commission, as settlement would leave it."""
    ledger_post(
        kind="test_seed",
        reference=f"test:fund:{distributor.id}:{next(_seq)}",
        legs=[(ledger_accounts.available(distributor.id), fen), (ledger_accounts.COMMISSION_EXPENSE, -fen)],
    )


@pytest.fixture
def dist(db):
    d = make_distributor("walt", real_name="王五")
    fund(d, 50_000)
    return d


def ask(dist, amount_fen, method="wechat", **kwargs):
    return withdrawal_request(user_id=dist.user_id, amount_fen=amount_fen, method=method, **kwargs)


def test_small_wechat_withdrawal_is_paid_when_the_payee_confirms(commit, dist):
    with commit():
        w = ask(dist, 10_000)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAYING and w.transfer_state == "WAIT_USER_CONFIRM" and w.package_info
    assert balances(dist) == Balances(pending=0, available=40_000, withdrawing=10_000)

    with commit():
        sandbox_transfer_confirm(w.out_bill_no)

    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID and w.paid_at is not None
    assert balances(dist) == Balances(pending=0, available=40_000, withdrawing=0)
    assert account_balance(ledger_accounts.PAYOUT) == 10_000


def test_fee_is_kept_and_only_the_net_is_transferred(commit, dist):
    settings_update(actor_id=None, changes={"withdraw_fee_bps": 100, "withdraw_fee_min_fen": 10})
    with commit():
        w = ask(dist, 5_000)
    w.refresh_from_db()
    assert (w.fee_fen, w.net_fen) == (50, 4_950)
    with commit():
        bill = sandbox_transfer_confirm(w.out_bill_no)
    assert bill.amount_fen == 4_950
    assert account_balance(ledger_accounts.PAYOUT) == 4_950 and account_balance(ledger_accounts.WITHDRAWAL_FEES) == 50


def test_rules_refuse_and_leave_nothing_behind(dist):
    settings_update(actor_id=None, changes={"withdraw_min_fen": 1_000, "withdraw_daily_limit_fen": 100_000})
    cases = [
        (lambda: ask(dist, 999), "WITHDRAW_BELOW_MINIMUM"),
        (lambda: ask(dist, 60_000), "WITHDRAW_INSUFFICIENT_BALANCE"),
        (lambda: ask(dist, 100_001), "WITHDRAW_DAILY_LIMIT"),
        (lambda: ask(dist, 5_000, method="alipay"), "WITHDRAW_METHOD_INVALID"),
        (lambda: ask(dist, 5_000, method="bank", bank={"bank_name": "招商银行"}), "WITHDRAW_BANK_INFO_REQUIRED"),
    ]
    for call, code in cases:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == code
    assert Withdrawal.objects.count() == 0
    assert balances(dist) == Balances(pending=0, available=50_000, withdrawing=0)


def test_daily_limit_counts_what_is_still_out_today(commit, dist, staff):
    settings_update(actor_id=None, changes={"withdraw_daily_limit_fen": 30_000, "withdraw_auto_approve_max_fen": 0})
    first = ask(dist, 20_000)
    with pytest.raises(DomainError) as exc:
        ask(dist, 10_001)
    assert exc.value.code == "WITHDRAW_DAILY_LIMIT" and "100.00" in exc.value.message
    withdrawal_reject(withdrawal_id=first.id, actor_id=staff.id, reason="信息不符")
    assert ask(dist, 30_000).amount_fen == 30_000  # a rejected one no longer counts


def test_large_withdrawal_waits_for_review_and_rejection_returns_the_money(commit, dist, staff):
    w = ask(dist, 30_000)  # above the ¥200 auto-approve line
    assert w.status == WithdrawalStatus.REVIEWING
    assert balances(dist).withdrawing == 30_000

    with pytest.raises(DomainError) as exc:
        withdrawal_reject(withdrawal_id=w.id, actor_id=staff.id, reason="  ")
    assert exc.value.code == "WITHDRAW_REJECT_REASON_REQUIRED"

    withdrawal_reject(withdrawal_id=w.id, actor_id=staff.id, reason="实名信息不一致")
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.REJECTED and w.reject_reason == "实名信息不一致"
    assert balances(dist) == Balances(pending=0, available=50_000, withdrawing=0)
    with pytest.raises(DomainError):
        withdrawal_approve(withdrawal_id=w.id, actor_id=staff.id)


def test_approved_large_withdrawal_is_transferred(commit, dist, staff):
    w = ask(dist, 30_000)
    with commit():
        withdrawal_approve(withdrawal_id=w.id, actor_id=staff.id)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAYING
    with commit():
        sandbox_transfer_confirm(w.out_bill_no)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID


def test_failed_transfer_returns_the_money(commit, dist):
    with commit():
        w = ask(dist, 10_000)
    with commit():
        sandbox_transfer_fail(w.out_bill_no, "PAYEE_ACCOUNT_ABNORMAL")
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.FAILED and "PAYEE_ACCOUNT_ABNORMAL" in w.fail_reason
    assert balances(dist) == Balances(pending=0, available=50_000, withdrawing=0)


def test_unclear_answer_is_queried_under_the_same_number_never_a_new_one(commit, dist):
    sandbox_transfer_next_create("timeout", bill_created=True)
    with commit():
        w = ask(dist, 10_000)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAYING and w.transfer_state == ""
    number = w.out_bill_no

    withdrawal_payout_query(withdrawal_id=w.id)
    w.refresh_from_db()
    assert w.out_bill_no == number and w.transfer_state == "WAIT_USER_CONFIRM" and w.package_info
    with commit():
        sandbox_transfer_confirm(number)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID and balances(dist).withdrawing == 0


def test_a_lost_request_is_sent_again_with_the_same_number(commit, dist):
    sandbox_transfer_next_create("timeout", bill_created=False)
    with commit():
        w = ask(dist, 10_000)
    later = timezone.now() + timedelta(minutes=5)

    assert sweep_payouts(now=later) == 1
    w.refresh_from_db()
    assert w.transfer_state == "WAIT_USER_CONFIRM" and w.package_info


def test_a_definite_refusal_with_no_bill_returns_the_money(commit, dist):
    sandbox_transfer_next_create("not_enough")
    with commit():
        w = ask(dist, 10_000)
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.FAILED
    assert balances(dist) == Balances(pending=0, available=50_000, withdrawing=0)


def test_bank_withdrawal_is_marked_paid_with_a_reference(dist, staff):
    bank = {"bank_name": "招商银行", "bank_account_name": "王五", "bank_account_no": "6225880212345678"}
    w = ask(dist, 10_000, method="bank", bank=bank)
    assert w.status == WithdrawalStatus.APPROVED
    with pytest.raises(DomainError) as exc:
        withdrawal_mark_bank_paid(withdrawal_id=w.id, actor_id=staff.id, reference="")
    assert exc.value.code == "WITHDRAW_REFERENCE_REQUIRED"

    withdrawal_mark_bank_paid(withdrawal_id=w.id, actor_id=staff.id, reference="CMB20261126001")
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID and w.paid_reference == "CMB20261126001"
    assert balances(dist).withdrawing == 0 and account_balance(ledger_accounts.PAYOUT) == 10_000


def test_a_debt_from_clawback_blocks_withdrawal_until_repaid(dist):
    ledger_post(
        kind="test_clawback",
        reference="test:clawback",
        legs=[(ledger_accounts.available(dist.id), -60_000), (ledger_accounts.COMMISSION_EXPENSE, 60_000)],
    )
    with pytest.raises(DomainError) as exc:
        ask(dist, 100)
    assert exc.value.code == "WITHDRAW_INSUFFICIENT_BALANCE" and "追回" in exc.value.message

    fund(dist, 10_100)  # later commission settles: first it repays the 100.00 debt
    assert balances(dist).available == 100
    assert ask(dist, 100).amount_fen == 100


def test_refund_after_withdrawal_leaves_a_debt_that_the_next_commission_repays(commit, buyer, mid, sku):
    """Withdrawn commission is never simply lost: the clawback takes available below zero, every
    withdrawal is refused meanwhile, and the next settled commission repays the debt first."""
    from fenxiao.distribution.commission.refunds import commission_refund_sync
    from fenxiao.distribution.commission.settlement import commission_settle_batch
    from fenxiao.orders.models import OrderLine
    from tests.distribution.support import after_freeze, paid_order, receive

    settings_update(actor_id=None, changes={"freeze_days": 0})
    first = receive(commit, paid_order(commit, buyer, (sku.id, 2)))  # mid earns 2000
    commission_settle_batch(now=after_freeze(first, days=0))
    with commit():
        w = ask(mid, 2_000)
    with commit():
        sandbox_transfer_confirm(w.out_bill_no)
    assert balances(mid) == Balances(pending=0, available=0, withdrawing=0)

    line = first.lines.get()
    OrderLine.objects.filter(pk=line.pk).update(refunded_fen=20_000)  # both units come back
    commission_refund_sync(order_line_id=line.pk)
    assert balances(mid).available == -2_000

    second = receive(commit, paid_order(commit, buyer, (sku.id, 3)))  # mid earns 3000
    with pytest.raises(DomainError) as exc:
        ask(mid, 100)
    assert exc.value.code == "WITHDRAW_INSUFFICIENT_BALANCE" and "20.00" in exc.value.message

    commission_settle_batch(now=after_freeze(second, days=0))
    assert balances(mid).available == 1_000  # 3000 earned, 2000 of it repaid the debt
    with pytest.raises(DomainError):
        ask(mid, 1_001)
    with commit():
        assert ask(mid, 1_000).amount_fen == 1_000


def test_unfinished_payouts_are_asked_about_less_often_as_they_age(commit, dist, monkeypatch):
    from fenxiao.distribution.withdrawals import payouts

    start = timezone.now()
    with time_machine.travel(start, tick=False), commit():
        w = ask(dist, 10_000)  # waiting for the payee to confirm
    asked: list = []
    real_query = payouts.withdrawal_payout_query
    monkeypatch.setattr(payouts, "withdrawal_payout_query", lambda **kw: asked.append(kw) or real_query(**kw))

    def sweep_at(minutes: float) -> int:
        moment = start + timedelta(minutes=minutes)
        with time_machine.travel(moment, tick=False):
            sweep_payouts(now=moment)
        return len(asked)

    assert sweep_at(1) == 0  # queried at creation: not again within 2 minutes
    assert sweep_at(3) == 1  # a young bill: every 2 minutes
    assert sweep_at(20) == 2  # older than 10 minutes: every 15
    assert sweep_at(30) == 2
    assert sweep_at(36) == 3
    assert sweep_at(200) == 4  # older than 2 hours: hourly
    assert sweep_at(230) == 4
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAYING


def test_a_bill_for_another_amount_is_left_for_an_operator(commit, dist):
    from dataclasses import replace

    from fenxiao.distribution.withdrawals.payouts import withdrawal_apply_bill
    from fenxiao.integrations.wechat.transfer.factory import transfer_gateway

    with commit():
        w = ask(dist, 10_000)
    bill = transfer_gateway().query_transfer_bill(w.out_bill_no)
    withdrawal_apply_bill(withdrawal_id=w.id, bill=replace(bill, state="SUCCESS", amount_fen=99_999))

    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAYING and "99999" in w.anomaly
    assert balances(dist).withdrawing == 10_000  # nothing booked on a bill we cannot explain
    assert sweep_payouts(now=timezone.now() + timedelta(days=1)) == 0  # no longer followed automatically
