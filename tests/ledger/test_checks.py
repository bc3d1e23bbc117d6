"""The invariant check finds what a bug or a hand edit would leave behind, and the command fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from fenxiao.cli import main as fenxiao_main
from fenxiao.ledger.checks import (
    BALANCE_MISMATCH,
    EMPTY_TRANSACTION,
    UNBALANCED_BOOK,
    UNBALANCED_TRANSACTION,
    LedgerProblem,
    ledger_check,
    ledger_check_report,
)
from fenxiao.ledger.models import Account, LedgerTransaction
from fenxiao.ledger.services import ledger_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def book() -> LedgerTransaction:
    ledger_post(kind="t", reference="one", legs=[("a", 100), ("b", -60), ("c", -40)])
    return ledger_post(kind="t", reference="two", legs=[("a", -30), ("c", 30)])


@contextmanager
def behind_the_guards() -> Iterator[None]:
    """Damage the book as a bug or a hand edit would. On PostgreSQL the triggers would refuse it
    (Django's test teardown fires the deferred ones), so they are switched off for these
    statements: the check must find the damage by itself."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        _raw("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks the fixtures' postings queued
        _raw("SET CONSTRAINTS ALL DEFERRED")
        _raw("SET LOCAL session_replication_role = replica")
    yield
    if postgres:
        _raw("SET LOCAL session_replication_role = origin")


def _raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_sound_book_has_no_problems(book):
    report = ledger_check_report()
    assert (report.accounts, report.transactions, report.legs) == (3, 2, 5)
    assert report.ok and ledger_check() == []


def test_an_empty_book_is_sound(db):
    assert ledger_check() == []


def test_a_corrupted_cached_balance_is_found(book):
    Account.objects.filter(code="b").update(balance_fen=-61)

    assert ledger_check() == [
        LedgerProblem(BALANCE_MISMATCH, "b", -60, -61, "账户 b 缓存余额 -0.61 元，分录合计 -0.60 元")
    ]


def test_an_unbalanced_transaction_inserted_by_raw_sql_is_found(book):
    a = Account.objects.get(code="a").pk
    with behind_the_guards():
        _raw("INSERT INTO ledger_leg (transaction_id, account_id, amount_fen) VALUES (%s, %s, 5)", [book.pk, a])

    problems = {(p.kind, p.subject): p for p in ledger_check()}
    assert problems[(UNBALANCED_TRANSACTION, "two")].actual == 5
    assert problems[(UNBALANCED_BOOK, "*")].actual == 5
    assert problems[(BALANCE_MISMATCH, "a")].expected == 75  # derived 70 + 5, cached 70
    assert problems[(BALANCE_MISMATCH, "a")].actual == 70
    assert len(problems) == 3


def test_a_transaction_without_legs_is_found(book):
    with behind_the_guards():
        LedgerTransaction.objects.create(kind="t", reference="hollow")

    assert [(p.kind, p.subject) for p in ledger_check()] == [(EMPTY_TRANSACTION, "hollow")]


def test_the_command_prints_a_summary_and_passes_on_a_sound_book(book, capsys):
    call_command("ledger-check")

    out = capsys.readouterr().out
    assert "账户 3 个，记账 2 笔，分录 5 条" in out and "通过" in out


def test_the_command_fails_and_lists_the_problems(book, capsys):
    Account.objects.filter(code="c").update(balance_fen=0)

    with pytest.raises(CommandError):
        call_command("ledger-check")

    assert "账户 c 缓存余额 0.00 元，分录合计 -0.10 元" in capsys.readouterr().out


def test_the_console_script_exits_non_zero_on_a_problem(book, capsys, monkeypatch, settings):
    """Through ``fenxiao ledger-check`` itself: the hyphenated command loads and sets the status."""
    # It runs no start-up checks: the sandbox refusal (DEBUG off, as in the suite) does not stop it.
    settings.WECHAT_SANDBOX_ALLOWED = False
    # run_from_argv closes every connection when it ends, which would close the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    fenxiao_main(["fenxiao", "ledger-check"])  # sound: returns normally
    Account.objects.filter(code="a").update(balance_fen=1)

    with pytest.raises(SystemExit) as exc:
        fenxiao_main(["fenxiao", "ledger-check"])

    assert exc.value.code == 1
    assert "账本检查发现 1 个问题" in capsys.readouterr().err
