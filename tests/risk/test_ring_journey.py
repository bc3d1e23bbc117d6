"""The journey of issue 19 §1: a ring of accounts at one address buys through one distributor →
a case opens → the commission is held (settlement skips it, it cannot be withdrawn, the centre
shows 审核中) → the operator confirms (commission reversed, ledger clean) or clears (it settles)."""

from __future__ import annotations

import pytest
import time_machine

from fenxiao.distribution.centre.earnings import commission_list
from fenxiao.distribution.commission.settlement import sweep_settle_commission
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, DistributorStatus
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.risk.cases.services import risk_case_clear, risk_case_confirm
from fenxiao.risk.models import BlacklistEntry, CaseKind, CaseStatus, RiskCase
from tests.distribution.support import after_freeze, assert_ledger_clean, balances, paid_order, receive
from tests.factories import StaffUserFactory
from tests.risk.support import ring_members


def _ring_buys(commit, dave, sku):
    members = ring_members(dave, 3)
    orders = [receive(commit, paid_order(commit, member, (sku.id, 1))) for member in members]
    return members, orders


def test_a_ring_at_one_address_opens_one_case_holding_its_orders(commit, dave, sku):
    # given three accounts at one door bound to Dave
    # when each buys through him
    members, orders = _ring_buys(commit, dave, sku)
    # then one ring case about Dave holds all three orders, with the shared address as evidence
    case = RiskCase.objects.get(kind=CaseKind.ACCOUNT_RING)
    assert case.subject_user_id == dave.user_id
    assert case.status == CaseStatus.OPEN
    assert sorted(case.orders.values_list("order_id", flat=True)) == sorted(o.id for o in orders)
    signal = case.evidence["signals"][-1]
    assert signal["shared_kind"] == "address"
    assert sorted(signal["buyer_ids"]) == sorted(m.id for m in members)


def test_held_commission_does_not_settle_cannot_be_withdrawn_and_reads_in_review(commit, dave, sku):
    # given the ring's orders, received, and their freeze over
    _members, orders = _ring_buys(commit, dave, sku)
    due = after_freeze(orders[-1])
    # when the settlement sweep runs past their due time
    with time_machine.travel(due, tick=False):
        sweep_settle_commission(now=due)
    # then nothing of Dave's settled: it stays pending, the centre says 审核中, nothing to withdraw
    assert balances(dave).available == 0
    assert balances(dave).pending == 3 * 1_000
    rows = commission_list(distributor=dave).items
    assert {r.status_label for r in rows} == {"审核中"}
    assert {r.settle_note for r in rows} == {"审核中"}
    from fenxiao.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        withdrawal_request(user_id=dave.user_id, amount_fen=100, method="wechat")
    assert refused.value.code == "WITHDRAW_INSUFFICIENT_BALANCE"
    assert_ledger_clean()


def test_confirming_reverses_the_commission_exactly_suspends_and_blacklists(commit, dave, sku):
    # given the ring's case
    _members, orders = _ring_buys(commit, dave, sku)
    case = RiskCase.objects.get(kind=CaseKind.ACCOUNT_RING)
    operator = StaffUserFactory()
    # when the operator confirms it, suspending Dave and blacklisting the accounts
    risk_case_confirm(case_id=case.id, actor_id=operator.id, note="同一地址刷单", suspend=True, blacklist=True)
    # then every fen of commission on those orders is reversed through the ledger
    assert balances(dave).pending == 0
    assert balances(dave).available == 0
    records = CommissionRecord.objects.filter(order_id__in=[o.id for o in orders])
    assert all(r.net_fen == 0 and r.status == CommissionStatus.CANCELLED for r in records)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED
    assert case.reversed_fen == 3 * 1_000
    dave.refresh_from_db()
    assert dave.status == DistributorStatus.SUSPENDED
    assert BlacklistEntry.objects.filter(kind="address", value__contains="幸福小区3栋502").exists()
    assert BlacklistEntry.objects.filter(kind="openid", value="openid-ring0").exists()
    assert_ledger_clean()
    # and a later settlement sweep has nothing left to pay
    due = after_freeze(orders[-1])
    sweep_settle_commission(now=due)
    assert balances(dave).available == 0
    assert_ledger_clean()


def test_clearing_settles_what_is_due_at_once(commit, dave, sku):
    # given the ring's case, past the freeze of its orders
    _members, orders = _ring_buys(commit, dave, sku)
    case = RiskCase.objects.get(kind=CaseKind.ACCOUNT_RING)
    due = after_freeze(orders[-1])
    with time_machine.travel(due, tick=False):
        sweep_settle_commission(now=due)
        assert balances(dave).available == 0
        # when the operator clears it
        with commit():
            risk_case_clear(case_id=case.id, actor_id=StaffUserFactory().id, note="一家人")
    # then the held commission settles at once and can be withdrawn
    assert balances(dave).available == 3 * 1_000
    assert balances(dave).pending == 0
    assert {r.status_label for r in commission_list(distributor=dave).items} == {"已结算"}
    assert_ledger_clean()


@pytest.mark.postgres_only
def test_journey_on_postgres(commit, dave, sku):
    """The same journey the issue names, proven on PostgreSQL: ring → case → held → confirmed →
    reversed, ledger clean."""
    _members, orders = _ring_buys(commit, dave, sku)
    case = RiskCase.objects.get(kind=CaseKind.ACCOUNT_RING)
    due = after_freeze(orders[-1])
    sweep_settle_commission(now=due)
    assert balances(dave).available == 0
    risk_case_confirm(case_id=case.id, actor_id=StaffUserFactory().id, note="刷单", suspend=True)
    assert balances(dave).pending == 0
    assert_ledger_clean()


def test_the_centre_api_says_in_review_and_shows_no_evidence(commit, dave, sku):
    from fenxiao.accounts.tokens import token_pair_issue
    from tests.support import Api

    _ring_buys(commit, dave, sku)
    api = Api(token_pair_issue(user_id=dave.user_id, scope="user").access)
    commissions = api.get("/api/v1/distribution/commissions").json()["items"]
    orders = api.get("/api/v1/distribution/orders").json()["items"]
    assert {(c["status_label"], c["held"]) for c in commissions} == {("审核中", True)}
    assert {(o["status_label"], o["held"]) for o in orders} == {("审核中", True)}
    text = api.get("/api/v1/distribution/commissions").content.decode()
    assert "幸福小区" not in text and "evidence" not in text and "account_ring" not in text


def test_settled_commission_in_a_case_cannot_leave_and_confirming_claws_it_back(commit, dave, sku):
    # given an order of Dave's customer, settled and withdrawable
    from fenxiao.risk.cases.services import risk_case_open
    from tests.distribution.support import make_user

    customer = make_user("kim")
    from fenxiao.distribution.network.binding import referral_bind

    referral_bind(user_id=customer.id, code=dave.code, source="link")
    order = receive(commit, paid_order(commit, customer, (sku.id, 1)))
    sweep_settle_commission(now=after_freeze(order))
    assert balances(dave).available == 1_000
    # when an operator opens a case on it by hand (a complaint, say)
    operator = StaffUserFactory()
    case = risk_case_open(
        kind="manual",
        subject_user_id=dave.user_id,
        order_ids=[order.id],
        evidence={"note": "投诉"},
        opened_by_id=operator.id,
    )
    # then the settled commission stays in the balance but cannot be withdrawn
    from fenxiao.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        withdrawal_request(user_id=dave.user_id, amount_fen=100, method="wechat")
    assert refused.value.code == "WITHDRAW_INSUFFICIENT_BALANCE"
    assert "审核中" in refused.value.message
    # and confirming claws it back from the available balance, exactly
    risk_case_confirm(case_id=case.id, actor_id=operator.id)
    assert balances(dave).available == 0
    record = CommissionRecord.objects.get(order=order)
    assert (record.status, record.clawback_fen, record.net_fen) == (CommissionStatus.SETTLED, 1_000, 0)
    assert_ledger_clean()
