"""The book's invariants, checked with a handful of set-based queries however big the book is:
every transaction balances and has legs, all legs together sum to zero, and every cached balance
equals the sum of its account's legs. Run by ``fenxiao ledger-check`` and by the tests.

Each check is one SQL statement, so it sees one consistent snapshot even while postings commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from fenxiao.core.money import fen_to_yuan
from fenxiao.ledger.models import Account, LedgerTransaction, Leg

ACCOUNT = Account._meta.db_table
TRANSACTION = LedgerTransaction._meta.db_table
LEG = Leg._meta.db_table

UNBALANCED_TRANSACTION = "unbalanced_transaction"
EMPTY_TRANSACTION = "empty_transaction"
UNBALANCED_BOOK = "unbalanced_book"
BALANCE_MISMATCH = "balance_mismatch"


@dataclass(frozen=True)
class LedgerProblem:
    """``subject`` is a transaction reference, an account code, or ``"*"`` for the whole book;
    ``expected``/``actual`` are fen, or leg counts for an empty transaction."""

    kind: str
    subject: str
    expected: int
    actual: int
    description: str


@dataclass(frozen=True)
class LedgerReport:
    accounts: int
    transactions: int
    legs: int
    problems: list[LedgerProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_check() -> list[LedgerProblem]:
    """Every broken invariant; an empty list means the book is sound."""
    return ledger_check_report().problems


def ledger_check_report() -> LedgerReport:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {ACCOUNT}), (SELECT COUNT(*) FROM {TRANSACTION}), "
            f"COUNT(*), COALESCE(SUM(amount_fen), 0) FROM {LEG}"
        )
        accounts, transactions, legs, book_total = cursor.fetchone()
        problems = [*_unbalanced_transactions(cursor), *_empty_transactions(cursor)]
        if book_total:
            problems.append(
                LedgerProblem(
                    UNBALANCED_BOOK, "*", 0, int(book_total), f"全部分录合计 {fen_to_yuan(int(book_total))} 元，应为 0"
                )
            )
        problems += _balance_mismatches(cursor)
    return LedgerReport(accounts=accounts, transactions=transactions, legs=legs, problems=problems)


def _unbalanced_transactions(cursor) -> list[LedgerProblem]:
    cursor.execute(
        f"SELECT t.reference, s.total FROM {TRANSACTION} t JOIN "
        f"(SELECT transaction_id, SUM(amount_fen) AS total FROM {LEG} GROUP BY transaction_id "
        "HAVING SUM(amount_fen) <> 0) s ON s.transaction_id = t.id ORDER BY t.id"
    )
    return [
        LedgerProblem(
            UNBALANCED_TRANSACTION,
            reference,
            0,
            int(total),
            f"记账 {reference} 借贷不平：分录合计 {fen_to_yuan(int(total))} 元",
        )
        for reference, total in cursor.fetchall()
    ]


def _empty_transactions(cursor) -> list[LedgerProblem]:
    cursor.execute(
        f"SELECT t.reference FROM {TRANSACTION} t "
        f"WHERE NOT EXISTS (SELECT 1 FROM {LEG} l WHERE l.transaction_id = t.id) ORDER BY t.id"
    )
    return [
        LedgerProblem(EMPTY_TRANSACTION, reference, 2, 0, f"记账 {reference} 没有分录")
        for (reference,) in cursor.fetchall()
    ]


def _balance_mismatches(cursor) -> list[LedgerProblem]:
    cursor.execute(
        f"SELECT a.code, a.balance_fen, COALESCE(s.total, 0) FROM {ACCOUNT} a LEFT JOIN "
        f"(SELECT account_id, SUM(amount_fen) AS total FROM {LEG} GROUP BY account_id) s ON s.account_id = a.id "
        "WHERE a.balance_fen <> COALESCE(s.total, 0) ORDER BY a.code"
    )
    return [
        LedgerProblem(
            BALANCE_MISMATCH,
            code,
            int(derived),
            int(cached),
            f"账户 {code} 缓存余额 {fen_to_yuan(int(cached))} 元，分录合计 {fen_to_yuan(int(derived))} 元",
        )
        for code, cached, derived in cursor.fetchall()
    ]
