"""The set-based statements one posting needs, however many legs it has.

Commission settlement posts one transaction with tens of thousands of legs, so every step is one
statement for all accounts (PostgreSQL: arrays through ``unnest``), never a query per leg. Other
databases (SQLite, the embedded default) get a plain, correct version of each statement: a
prepared statement run once per row (``executemany``), which SQLite does in-process and fast."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import connection

from fenxiao.core.limits import chunks
from fenxiao.ledger.models import Account, LedgerTransaction, Leg

ACCOUNT = Account._meta.db_table
TRANSACTION = LedgerTransaction._meta.db_table
LEG = Leg._meta.db_table


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def lock_accounts(codes: Sequence[str]) -> list[tuple[int, str, int]]:
    """``(id, code, balance_fen)`` of the existing accounts among ``codes``, locked in ascending
    id order (the project-wide lock order, so two postings never deadlock on accounts)."""
    if not codes:
        return []
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"SELECT id, code, balance_fen FROM {ACCOUNT} WHERE code = ANY(%s::varchar[]) ORDER BY id FOR UPDATE",
                [list(codes)],
            )
            return cursor.fetchall()
        rows = []
        for chunk in chunks(codes):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT id, code, balance_fen FROM {ACCOUNT} WHERE code IN ({marks})", list(chunk))
            rows.extend(cursor.fetchall())
        return sorted(rows)


def create_accounts(codes: Sequence[str], names: Mapping[str, str], now: datetime) -> list[tuple[int, str, int]]:
    """Create the accounts that do not exist yet and return ``(id, code, balance_fen)`` of those
    this call created: uncommitted rows of ours, which no one else can lock until we commit. An
    account created concurrently is left as it is and not returned. Inserted in code order, so
    concurrent creators wait for each other in one order."""
    codes = sorted(codes)
    labels = [str(names.get(code, ""))[: Account._meta.get_field("name").max_length] for code in codes]
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ACCOUNT} (code, name, balance_fen, created_at) "
                "SELECT d.code, d.name, 0, %s FROM unnest(%s::varchar[], %s::varchar[]) AS d(code, name) "
                "ORDER BY d.code ON CONFLICT (code) DO NOTHING RETURNING id, code, balance_fen",
                [now, codes, labels],
            )
            return cursor.fetchall()
    created_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {ACCOUNT} (code, name, balance_fen, created_at) VALUES (%s, %s, 0, %s) "
            "ON CONFLICT (code) DO NOTHING",
            [(code, label, created_at) for code, label in zip(codes, labels, strict=True)],
        )
    # SQLite serialises writers, so every missing account was created by this call.
    return lock_accounts(codes)


def insert_transaction(
    *, kind: str, reference: str, memo: str, reversal_of_id: int | None, now: datetime
) -> int | None:
    """Claim ``reference``: the new transaction's id, or None when the reference is taken (by a
    posting committed since we looked, or one in flight that we waited for)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TRANSACTION} (kind, reference, memo, reversal_of_id, created_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (reference) DO NOTHING RETURNING id",
            [kind, reference, memo, reversal_of_id, connection.ops.adapt_datetimefield_value(now)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def insert_legs(transaction_id: int, legs: Sequence[tuple[int, int]]) -> None:
    """``legs`` are ``(account_id, amount_fen)``, stored in this order."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {LEG} (transaction_id, account_id, amount_fen) "
                "SELECT %s, d.account_id, d.amount FROM unnest(%s::bigint[], %s::bigint[]) "
                "WITH ORDINALITY AS d(account_id, amount, n) ORDER BY d.n",
                [transaction_id, [a for a, _ in legs], [m for _, m in legs]],
            )
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {LEG} (transaction_id, account_id, amount_fen) VALUES (%s, %s, %s)",
            [(transaction_id, account_id, amount) for account_id, amount in legs],
        )


def add_to_balances(deltas: Sequence[tuple[int, int]]) -> None:
    """Move cached balances by ``(account_id, delta_fen)`` in SQL (``balance + delta``), never by
    writing back a value computed in Python."""
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"UPDATE {ACCOUNT} AS a SET balance_fen = a.balance_fen + d.delta "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS d(id, delta) WHERE a.id = d.id",
                [[i for i, _ in deltas], [d for _, d in deltas]],
            )
            return
        cursor.executemany(
            f"UPDATE {ACCOUNT} SET balance_fen = balance_fen + %s WHERE id = %s", [(d, i) for i, d in deltas]
        )
