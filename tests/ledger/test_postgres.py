"""What only PostgreSQL can show: the triggers that guard the book at commit, and postings racing
in real threads. Skipped on SQLite, which has neither the triggers nor concurrent writers."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from fenxiao.ledger.checks import ledger_check
from fenxiao.ledger.errors import InsufficientBalance
from fenxiao.ledger.models import Account, LedgerTransaction, Leg
from fenxiao.ledger.selectors import account_balance, account_balances
from fenxiao.ledger.services import ledger_post
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

AVAILABLE = "distributor:9:available"
WITHDRAWING = "distributor:9:withdrawing"
EXPENSE = "platform:commission_expense"


def _sql(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _account_id(code: str) -> int:
    return Account.objects.get(code=code).pk


@pytest.fixture
def tx() -> LedgerTransaction:
    return ledger_post(kind="t", reference="base", legs=[("a", 100), ("b", -100)])


def test_the_deferred_trigger_refuses_an_unbalanced_insert_at_commit(tx):
    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        _sql(
            "INSERT INTO ledger_leg (transaction_id, account_id, amount_fen) VALUES (%s, %s, 5)",
            [tx.pk, _account_id("a")],
        )
        # accepted here: the check waits for the commit

    assert Leg.objects.filter(transaction=tx).count() == 2
    assert ledger_check() == []


def test_legs_of_one_transaction_may_arrive_in_several_statements():
    a, b = ledger_post(kind="t", reference="seed", legs=[("a", 1), ("b", -1)]).legs.values_list("account", flat=True)
    with transaction.atomic():
        _sql("INSERT INTO ledger_ledgertransaction (kind, reference, memo, created_at) VALUES ('t', 'raw', '', now())")
        raw = LedgerTransaction.objects.get(reference="raw").pk
        _sql("INSERT INTO ledger_leg (transaction_id, account_id, amount_fen) VALUES (%s, %s, 7)", [raw, a])
        _sql("INSERT INTO ledger_leg (transaction_id, account_id, amount_fen) VALUES (%s, %s, -7)", [raw, b])

    assert Leg.objects.filter(transaction_id=raw).count() == 2


def test_legs_added_after_an_immediate_check_are_checked_again_at_commit(tx):
    a = _account_id("a")
    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        _sql(
            "INSERT INTO ledger_leg (transaction_id, account_id, amount_fen) VALUES (%s, %s, 5), (%s, %s, -5)",
            [
                tx.pk,
                a,
                tx.pk,
                a,
            ],
        )
        _sql("SET CONSTRAINTS ALL IMMEDIATE")  # checks now: balanced, so remembered
        _sql("SET CONSTRAINTS ALL DEFERRED")
        _sql("INSERT INTO ledger_leg (transaction_id, account_id, amount_fen) VALUES (%s, %s, 3)", [tx.pk, a])

    assert Leg.objects.filter(transaction=tx).count() == 2


def test_a_transaction_without_legs_is_refused_at_commit():
    with pytest.raises(IntegrityError, match="no legs"), transaction.atomic():
        _sql("INSERT INTO ledger_ledgertransaction (kind, reference, memo, created_at) VALUES ('t', 'x', '', now())")

    assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_leg SET amount_fen = amount_fen * 2",
        "DELETE FROM ledger_leg",
        "UPDATE ledger_ledgertransaction SET memo = 'edited'",
        "DELETE FROM ledger_ledgertransaction",
    ],
)
def test_raw_updates_and_deletes_are_refused(tx, statement):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        _sql(statement)

    assert sorted(Leg.objects.values_list("amount_fen", flat=True)) == [-100, 100]
    assert LedgerTransaction.objects.get().memo == ""


def test_truncate_stays_possible_for_test_flushes(tx):
    _sql("TRUNCATE ledger_leg, ledger_ledgertransaction, ledger_account")

    assert not Leg.objects.exists() and not Account.objects.exists()


def test_concurrent_withdrawals_against_a_floor_never_overdraw():
    ledger_post(kind="commission_settle", reference="fund", legs=[(AVAILABLE, 1000), (EXPENSE, -1000)])

    def withdraw(i: int) -> LedgerTransaction:
        return ledger_post(
            kind="withdrawal_request",
            reference=f"withdrawal:{i}",
            legs=[(AVAILABLE, -300), (WITHDRAWING, 300)],
            floors={AVAILABLE: 0},
        )

    results = run_together(withdraw, 10)

    done = [r for r in results if isinstance(r, LedgerTransaction)]
    refused = [r for r in results if isinstance(r, InsufficientBalance)]
    assert (len(done), len(refused)) == (3, 7), results
    assert account_balances([AVAILABLE, WITHDRAWING]) == {AVAILABLE: 100, WITHDRAWING: 900}
    assert ledger_check() == []


def test_twenty_concurrent_replays_of_one_reference_write_one_transaction():
    def accrue(i: int) -> LedgerTransaction:
        return ledger_post(
            kind="commission_accrue",
            reference="commission:accrue:line:17:1",
            legs=[("distributor:3:pending", 1250), (EXPENSE, -1250)],
            names={"distributor:3:pending": "分销商3 待结算佣金"},
        )

    results = run_together(accrue, 20)

    assert all(isinstance(r, LedgerTransaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert LedgerTransaction.objects.count() == 1 and Leg.objects.count() == 2
    assert account_balance("distributor:3:pending") == 1250
    assert ledger_check() == []


def test_concurrent_postings_create_each_new_account_once_and_never_deadlock():
    codes = [f"shared:{i}" for i in range(6)]

    def post(i: int) -> LedgerTransaction:
        order = codes if i % 2 else list(reversed(codes))
        legs = [(code, 10) for code in order[:-1]] + [(order[-1], -10 * (len(order) - 1))]
        return ledger_post(kind="t", reference=f"p:{i}", legs=legs)

    results = run_together(post, 12)

    assert all(isinstance(r, LedgerTransaction) for r in results), results
    assert Account.objects.filter(code__in=codes).count() == 6
    balances = account_balances(codes)
    assert balances["shared:0"] == 6 * 10 - 6 * 50 and balances["shared:5"] == 6 * 10 - 6 * 50
    assert sum(balances.values()) == 0
    assert ledger_check() == []


def test_one_transaction_with_many_legs_commits_through_the_triggers():
    legs = [(f"distributor:{i}:pending", -(i + 1)) for i in range(5000)]
    legs += [(f"distributor:{i}:available", i + 1) for i in range(5000)]
    legs += [(f"distributor:{i}:available", 1) for i in range(0, 5000, 2)] + [(EXPENSE, -2500)]

    tx = ledger_post(kind="commission_settle", reference="settle:batch:1", legs=legs)

    assert tx.legs.count() == 10_001
    assert account_balance("distributor:4999:pending") == -5000
    assert account_balance("distributor:10:available") == 12
    assert ledger_check() == []
