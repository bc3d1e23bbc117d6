"""Random sequences of everything that moves commission money — orders paid through 1-, 2- and
3-level chains, partial refunds before and after settlement, receipt, settlement sweeps (some too
early), withdrawals asked for, reviewed, rejected, paid and failed — and after every step the
money must still add up, exact to the fen (DESIGN §5–§6).

The model is deliberately thin: it knows which lines were paid and refunded and which
withdrawals exist, and derives every expected balance from the records and withdrawals in the
database, so what is checked is that the ledger and the records never disagree, not that the
model and the code share a mistake. The commission amounts themselves are checked against the
plain formulas (``base * rate // 10000``; what stays after a refund is ``amount * (base -
refunded) // base``).

Each hypothesis example runs inside a savepoint that is rolled back at teardown, so examples
never see each other's rows; the world (distributors, shoppers, SKUs, settings) is built once per
test. On-commit callbacks (event handlers, payouts, the transfer sandbox's notifications) are run
at the end of each step, as they would run after each commit in production."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fenxiao.core.errors import DomainError
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.commission.refunds import commission_refund_sync
from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.models import (
    CommissionRecord,
    CommissionStatus,
    Distributor,
    Withdrawal,
    WithdrawalMethod,
    WithdrawalStatus,
)
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.distribution.withdrawals.review import withdrawal_approve, withdrawal_mark_bank_paid, withdrawal_reject
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway
from fenxiao.integrations.wechat.transfer.sandbox_controls import sandbox_transfer_confirm, sandbox_transfer_fail
from fenxiao.ledger.checks import ledger_check
from fenxiao.ledger.selectors import account_balances
from fenxiao.orders.models import Order, OrderLine
from tests.distribution.stateful_support import (
    AUTO_APPROVE_MAX_FEN,
    BANK,
    FREEZE_DAYS,
    IN_FLIGHT,
    MACHINE_SETTINGS,
    RETURNED,
    LineState,
    Model,
    World,
    build_world,
    commit,
    net,
)
from tests.distribution.support import Balances, balances, paid_order, receive

pytestmark = pytest.mark.django_db


class DistributionMachine(RuleBasedStateMachine):
    world: World  # bound by the test

    def __init__(self) -> None:
        super().__init__()
        self._example = transaction.atomic()
        self._example.__enter__()
        self.model = Model()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    # -- orders --------------------------------------------------------------------------------

    @initialize(quantities=st.lists(st.integers(min_value=1, max_value=3), min_size=2, max_size=2))
    def start_with_settled_commission(self, quantities: list[int]) -> None:
        """Most sequences should reach withdrawals: start from one order through the 3-level
        chain already received and settled, so A, B and C have money to ask for."""
        self.place_and_pay(shopper=1, quantities=quantities)
        self.receive_an_order(data=None)
        self.settle(days=FREEZE_DAYS + 1, batch=10_000)

    @rule(
        shopper=st.integers(min_value=0, max_value=4),
        quantities=st.lists(st.integers(min_value=0, max_value=3), min_size=2, max_size=2).filter(any),
    )
    def place_and_pay(self, shopper: int, quantities: list[int]) -> None:
        buyer = self.world.shoppers[shopper]
        chain = self.world.chains[buyer.id]
        rates = {d.id: d.tier.rates_bps for d in Distributor.objects.select_related("tier").filter(pk__in=chain)}
        lines = [(sku_id, qty) for sku_id, qty in zip(self.world.sku_ids, quantities, strict=True) if qty]

        order = paid_order(commit, buyer, *lines)

        expected = set()
        for line in order.lines.all():
            assert line.paid_fen == line.unit_price_fen * line.quantity  # no discount, no shipping in the base
            self.model.lines[line.id] = LineState(order_id=order.id, paid_fen=line.paid_fen)
            for level, distributor_id in enumerate(chain, start=1):
                amount = line.paid_fen * rates[distributor_id][level - 1] // 10_000
                if amount:
                    expected.add((line.id, level, distributor_id, amount))
        booked = {
            (r.order_line_id, r.level, r.distributor_id, r.amount_fen)
            for r in CommissionRecord.objects.filter(order_id=order.id)
        }
        assert booked == expected
        self.model.paid_orders.append(order.id)

    @precondition(lambda self: any(line.left_fen for line in self.model.lines.values()))
    @rule(data=st.data())
    def refund_part_of_a_line(self, data: st.DataObject) -> None:
        line_id = data.draw(
            st.sampled_from(sorted(i for i, line in self.model.lines.items() if line.left_fen)), label="line"
        )
        line = self.model.lines[line_id]
        amount = data.draw(st.one_of(st.just(line.left_fen), st.integers(1, line.left_fen)), label="refund_fen")
        before = {r.id: net(r) for r in CommissionRecord.objects.filter(order_line_id=line_id)}

        with commit():
            OrderLine.objects.filter(pk=line_id).update(refunded_fen=F("refunded_fen") + amount)
            taken = commission_refund_sync(order_line_id=line_id)
        line.refunded_fen += amount

        after = {r.id: net(r) for r in CommissionRecord.objects.filter(order_line_id=line_id)}
        assert taken == sum(before.values()) - sum(after.values())
        assert all(after[i] <= before[i] for i in before)
        # Replaying the sync takes nothing more.
        assert commission_refund_sync(order_line_id=line_id) == 0

    @precondition(lambda self: len(self.model.received_orders) < len(self.model.paid_orders))
    @rule(data=st.data())
    def receive_an_order(self, data: st.DataObject | None) -> None:
        waiting = [o for o in self.model.paid_orders if o not in self.model.received_orders]
        order_id = data.draw(st.sampled_from(waiting), label="order") if data else waiting[0]
        order = receive(commit, Order.objects.get(pk=order_id))
        self.model.received_orders.add(order_id)
        settle_after = order.received_at + timedelta(days=FREEZE_DAYS)
        for record in CommissionRecord.objects.filter(order_id=order_id):
            if record.status != CommissionStatus.CANCELLED:
                assert record.settle_after == settle_after

    # -- settlement ----------------------------------------------------------------------------

    @precondition(lambda self: bool(self.model.received_orders))
    @rule(days=st.sampled_from([1, FREEZE_DAYS + 1]), batch=st.sampled_from([1, 3, 10_000]))
    def settle(self, days: int, batch: int) -> None:
        now = timezone.now() + timedelta(days=days)
        due = sorted(
            CommissionRecord.objects.filter(status=CommissionStatus.PENDING, settle_after__lte=now).values_list(
                "id", flat=True
            )
        )
        pending_net = {r.id: net(r) for r in CommissionRecord.objects.filter(pk__in=due)}

        with commit():
            settled = commission_settle_batch(now=now, batch=batch)

        assert settled == min(batch, len(due))
        moved = due[:settled]
        assert set(
            CommissionRecord.objects.filter(status=CommissionStatus.SETTLED, settled_at=now).values_list(
                "id", flat=True
            )
        ) == set(moved)
        # Settling moves the net, never the amount: what a refund took before stays taken.
        for record in CommissionRecord.objects.filter(pk__in=moved):
            assert net(record) == pending_net[record.id] and record.clawback_fen == 0

    # -- withdrawals ---------------------------------------------------------------------------

    @rule(data=st.data(), who=st.integers(min_value=0, max_value=2), method=st.sampled_from(WithdrawalMethod.values))
    def withdraw(self, data: st.DataObject, who: int, method: str) -> None:
        distributor = self.world.distributors[who]
        before = balances(distributor)
        # Mostly what could be paid, sometimes right at the edge of the balance, sometimes anything.
        choices = [st.integers(1, 30_000)]
        if before.available >= 1:
            choices.append(st.integers(1, before.available))
            choices.append(st.sampled_from([before.available, before.available + 1]))
        amount = data.draw(st.one_of(*reversed(choices)), label="amount_fen")
        count = Withdrawal.objects.count()
        try:
            with commit():
                withdrawal = withdrawal_request(
                    user_id=distributor.user_id,
                    amount_fen=amount,
                    method=method,
                    bank=BANK if method == WithdrawalMethod.BANK else None,
                )
        except DomainError as exc:
            # A rule refused it: nothing written, nothing moved.
            assert Withdrawal.objects.count() == count
            assert balances(distributor) == before
            if exc.code == "WITHDRAW_INSUFFICIENT_BALANCE":
                assert before.available < amount
            else:
                assert exc.code in {"WITHDRAW_BELOW_MINIMUM", "WITHDRAW_DAILY_LIMIT"}, exc.code
            return
        # Never more than was available when asked.
        assert before.available >= amount
        assert balances(distributor) == Balances(
            pending=before.pending, available=before.available - amount, withdrawing=before.withdrawing + amount
        )
        withdrawal.refresh_from_db()
        expected = (
            WithdrawalStatus.REVIEWING
            if amount > AUTO_APPROVE_MAX_FEN
            else WithdrawalStatus.PAYING
            if method == WithdrawalMethod.WECHAT
            else WithdrawalStatus.APPROVED
        )
        assert withdrawal.status == expected
        self.model.withdrawals[withdrawal.id] = (withdrawal.status, method)

    def _pick(self, data: st.DataObject, ok) -> Withdrawal:
        ids = sorted(i for i, (status, method) in self.model.withdrawals.items() if ok(status, method))
        return Withdrawal.objects.get(pk=data.draw(st.sampled_from(ids), label="withdrawal"))

    def _has(self, ok) -> bool:
        return any(ok(status, method) for status, method in self.model.withdrawals.values())

    @staticmethod
    def _reviewing(status: str, method: str) -> bool:
        return status == WithdrawalStatus.REVIEWING

    @staticmethod
    def _rejectable(status: str, method: str) -> bool:
        return status == WithdrawalStatus.REVIEWING or (
            status == WithdrawalStatus.APPROVED and method == WithdrawalMethod.BANK
        )

    @staticmethod
    def _paying(status: str, method: str) -> bool:
        return status == WithdrawalStatus.PAYING

    @staticmethod
    def _bank_approved(status: str, method: str) -> bool:
        return status == WithdrawalStatus.APPROVED and method == WithdrawalMethod.BANK

    @precondition(lambda self: self._has(self._reviewing))
    @rule(data=st.data())
    def approve(self, data: st.DataObject) -> None:
        w = self._pick(data, self._reviewing)
        with commit():
            withdrawal_approve(withdrawal_id=w.id, actor_id=self.world.staff.id)
        w.refresh_from_db()
        assert w.status == (
            WithdrawalStatus.PAYING if w.method == WithdrawalMethod.WECHAT else WithdrawalStatus.APPROVED
        )

    @precondition(lambda self: self._has(self._rejectable))
    @rule(data=st.data())
    def reject(self, data: st.DataObject) -> None:
        w = self._pick(data, self._rejectable)
        before = balances(w.distributor)
        with commit():
            withdrawal_reject(withdrawal_id=w.id, actor_id=self.world.staff.id, reason="实名信息不一致")
        assert balances(w.distributor) == Balances(
            pending=before.pending,
            available=before.available + w.amount_fen,
            withdrawing=before.withdrawing - w.amount_fen,
        )

    @precondition(lambda self: self._has(self._paying))
    @rule(data=st.data())
    def transfer_confirmed(self, data: st.DataObject) -> None:
        w = self._pick(data, self._paying)
        with commit():
            sandbox_transfer_confirm(w.out_bill_no)
        w.refresh_from_db()
        assert w.status == WithdrawalStatus.PAID

    @precondition(lambda self: self._has(self._paying))
    @rule(data=st.data())
    def transfer_failed(self, data: st.DataObject) -> None:
        w = self._pick(data, self._paying)
        before = balances(w.distributor)
        with commit():
            sandbox_transfer_fail(w.out_bill_no, "PAYEE_ACCOUNT_ABNORMAL")
        w.refresh_from_db()
        assert w.status == WithdrawalStatus.FAILED
        assert balances(w.distributor).available == before.available + w.amount_fen

    @precondition(lambda self: self._has(self._bank_approved))
    @rule(data=st.data())
    def bank_paid(self, data: st.DataObject) -> None:
        w = self._pick(data, self._bank_approved)
        with commit():
            withdrawal_mark_bank_paid(withdrawal_id=w.id, actor_id=self.world.staff.id, reference=f"CMB{w.id:012d}")
        w.refresh_from_db()
        assert w.status == WithdrawalStatus.PAID

    # -- what must hold after every step ---------------------------------------------------------

    @invariant()
    def money_adds_up(self) -> None:
        assert ledger_check() == []
        records = list(CommissionRecord.objects.all())
        withdrawals = list(Withdrawal.objects.all())
        self.model.withdrawals = {w.id: (w.status, w.method) for w in withdrawals}

        pending: dict[int, int] = defaultdict(int)
        settled: dict[int, int] = defaultdict(int)
        for r in records:
            assert r.reversed_fen + r.clawback_fen <= r.amount_fen
            line = self.model.lines[r.order_line_id]
            # What stays is the proportional share of what was kept, rounded down, exact to the fen.
            assert r.base_fen == line.paid_fen and r.refunded_base_fen == min(line.refunded_fen, r.base_fen)
            assert net(r) == r.amount_fen * (r.base_fen - r.refunded_base_fen) // r.base_fen
            if r.status == CommissionStatus.PENDING:
                assert r.clawback_fen == 0 and net(r) > 0
                pending[r.distributor_id] += net(r)
            elif r.status == CommissionStatus.SETTLED:
                assert r.settled_at is not None and r.settle_after is not None and r.settle_after <= r.settled_at
                settled[r.distributor_id] += net(r)
            else:
                assert r.status == CommissionStatus.CANCELLED and net(r) == 0 and r.clawback_fen == 0

        out: dict[int, int] = defaultdict(int)
        in_flight: dict[int, int] = defaultdict(int)
        for w in withdrawals:
            if w.status not in RETURNED:
                out[w.distributor_id] += w.amount_fen
            if w.status in IN_FLIGHT:
                in_flight[w.distributor_id] += w.amount_fen

        for d in self.world.distributors:
            assert balances(d) == Balances(
                pending=pending[d.id], available=settled[d.id] - out[d.id], withdrawing=in_flight[d.id]
            ), d

        platform = account_balances(
            [ledger_accounts.COMMISSION_EXPENSE, ledger_accounts.PAYOUT, ledger_accounts.WITHDRAWAL_FEES]
        )
        assert platform[ledger_accounts.COMMISSION_EXPENSE] == -sum(net(r) for r in records)
        paid = [w for w in withdrawals if w.status == WithdrawalStatus.PAID]
        assert platform[ledger_accounts.PAYOUT] == sum(w.net_fen for w in paid)
        assert platform[ledger_accounts.WITHDRAWAL_FEES] == sum(w.fee_fen for w in paid)
        assert platform[ledger_accounts.PAYOUT] + platform[ledger_accounts.WITHDRAWAL_FEES] == sum(
            w.amount_fen for w in paid
        )


@pytest.fixture
def fresh_transfer_gateway(sandbox_dir):
    reset_transfer_gateway()
    yield
    reset_transfer_gateway()


def test_commission_money_stays_exact_through_random_operations(db, fresh_transfer_gateway):
    machine = type("BoundDistributionMachine", (DistributionMachine,), {"world": build_world()})
    run_state_machine_as_test(machine, settings=MACHINE_SETTINGS)
