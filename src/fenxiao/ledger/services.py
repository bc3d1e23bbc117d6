"""Posting to the ledger: one balanced transaction per business event, idempotent by reference.

Lock order inside a posting: the reversed transaction (``ledger_reverse`` only), then the touched
accounts by ascending id. A posting looks its reference up before locking anything, so a replay
(a retried task, a notification delivered twice) costs one read and writes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from fenxiao.ledger import bulk
from fenxiao.ledger.errors import (
    InsufficientBalance,
    already_reversed,
    ledger_empty,
    ledger_invalid,
    ledger_unbalanced,
    reference_reused,
    transaction_not_found,
)
from fenxiao.ledger.models import Account, LedgerTransaction, Leg

# Ten trillion yuan: far beyond any real amount, far below where sums could overflow a bigint.
MAX_AMOUNT_FEN = 10**15
REVERSAL_KIND = "reversal"

_KIND_MAX = LedgerTransaction._meta.get_field("kind").max_length
_REFERENCE_MAX = LedgerTransaction._meta.get_field("reference").max_length
_MEMO_MAX = LedgerTransaction._meta.get_field("memo").max_length
_CODE_MAX = Account._meta.get_field("code").max_length


@transaction.atomic
def ledger_post(
    *,
    kind: str,
    reference: str,
    legs: Sequence[tuple[str, int]],
    memo: str = "",
    floors: Mapping[str, int] | None = None,
    names: Mapping[str, str] | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction. ``legs`` are ``(account_code, amount_fen)``, positive
    increasing the account's balance; duplicate codes merge and zero legs drop. ``floors`` are
    minimum balances that a leg taking money out of that account must respect (money coming in is
    never refused, even into an account below its floor, so a clawback can be repaid); ``names``
    label the accounts this posting creates.

    The same ``reference`` with the same kind and merged legs returns the transaction already
    posted and writes nothing (so callers retry freely); anything else under a used reference is
    ``LEDGER_REFERENCE_REUSED``."""
    return _post(
        kind=kind, reference=reference, legs=legs, memo=memo, floors=floors or {}, names=names or {}, reversal_of=None
    )


@transaction.atomic
def ledger_reverse(
    *, reference: str, new_reference: str, memo: str = "", kind: str = REVERSAL_KIND
) -> LedgerTransaction:
    """Post the exact negation of the transaction ``reference`` under ``new_reference``. A
    transaction is reversed at most once; replaying the same reversal returns it."""
    original = LedgerTransaction.objects.select_for_update().filter(reference=reference).order_by().first()
    if original is None:
        raise transaction_not_found(reference)
    done = LedgerTransaction.objects.filter(reversal_of=original).values_list("reference", flat=True).first()
    if done is not None and done != new_reference:
        raise already_reversed(reference)
    negated = [(code, -amount) for code, amount in _legs_of(original).items()]
    return _post(
        kind=kind,
        reference=new_reference,
        legs=negated,
        memo=memo or f"冲正 {reference}",
        floors={},
        names={},
        reversal_of=original.pk,
    )


def _post(
    *,
    kind: str,
    reference: str,
    legs: Iterable[tuple[str, int]],
    memo: str,
    floors: Mapping[str, int],
    names: Mapping[str, str],
    reversal_of: int | None,
) -> LedgerTransaction:
    _validate_header(kind=kind, reference=reference, memo=memo)
    merged = merge_legs(legs)
    existing = LedgerTransaction.objects.filter(reference=reference).order_by().first()
    if existing is not None:
        return _replayed(existing, kind=kind, legs=merged, reversal_of=reversal_of)
    _validate_floors(floors)

    now = timezone.now()
    accounts = _lock_accounts(list(merged), names, now)
    _check_floors(merged, accounts, floors)
    tx_id = bulk.insert_transaction(kind=kind, reference=reference, memo=memo, reversal_of_id=reversal_of, now=now)
    if tx_id is None:
        # Claimed by a posting that committed after our look-up: a replay or a reuse.
        existing = LedgerTransaction.objects.get(reference=reference)
        return _replayed(existing, kind=kind, legs=merged, reversal_of=reversal_of)
    moves = [(accounts[code][0], amount) for code, amount in merged.items()]
    bulk.insert_legs(tx_id, moves)
    bulk.add_to_balances(moves)
    return LedgerTransaction.from_db(
        DEFAULT_DB_ALIAS,
        ["id", "kind", "reference", "memo", "reversal_of_id", "created_at"],
        [tx_id, kind, reference, memo, reversal_of, now],
    )


def merge_legs(legs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """One amount per account, zero amounts dropped, first-seen order kept. Refuses malformed
    legs, an empty result and a non-zero sum: a pure function, tested without a database."""
    merged: dict[str, int] = {}
    for leg in legs:
        try:
            code, amount = leg
        except (TypeError, ValueError):
            raise ledger_invalid(f"分录格式不正确：{leg!r}") from None
        if not isinstance(code, str) or not code.strip() or len(code) > _CODE_MAX:
            raise ledger_invalid(f"账户编码不正确：{code!r}")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ledger_invalid(f"金额必须是整数分：{amount!r}")
        if abs(amount) > MAX_AMOUNT_FEN:
            raise ledger_invalid(f"金额超出范围：{amount}")
        merged[code] = merged.get(code, 0) + amount
    merged = {code: amount for code, amount in merged.items() if amount}
    if not merged:
        raise ledger_empty()
    total = sum(merged.values())
    if total:
        raise ledger_unbalanced(total)
    return merged


def _validate_header(*, kind: str, reference: str, memo: str) -> None:
    if not isinstance(kind, str) or not kind.strip() or len(kind) > _KIND_MAX:
        raise ledger_invalid(f"记账类型不正确：{kind!r}")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > _REFERENCE_MAX:
        raise ledger_invalid(f"凭证号不正确：{reference!r}")
    if not isinstance(memo, str) or len(memo) > _MEMO_MAX:
        raise ledger_invalid(f"摘要不能超过 {_MEMO_MAX} 个字符")


def _validate_floors(floors: Mapping[str, int]) -> None:
    for code, floor in floors.items():
        if isinstance(floor, bool) or not isinstance(floor, int):
            raise ledger_invalid(f"账户 {code} 的最低余额必须是整数分：{floor!r}")


def _lock_accounts(codes: list[str], names: Mapping[str, str], now) -> dict[str, tuple[int, int]]:
    """``code -> (id, balance_fen)`` for every code, locked; missing accounts are created first."""
    found = {code: (pk, balance) for pk, code, balance in bulk.lock_accounts(codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        found.update({code: (pk, balance) for pk, code, balance in bulk.create_accounts(missing, names, now)})
        raced = [code for code in missing if code not in found]  # created meanwhile by another posting
        if raced:
            found.update({code: (pk, balance) for pk, code, balance in bulk.lock_accounts(raced)})
    return found


def _check_floors(
    merged: Mapping[str, int], accounts: Mapping[str, tuple[int, int]], floors: Mapping[str, int]
) -> None:
    """Runs under the account locks, so the balances read here are the ones the update moves."""
    for code in sorted(floors):
        amount = merged.get(code, 0)
        if amount >= 0:
            continue
        balance = accounts[code][1]
        if balance + amount < floors[code]:
            raise InsufficientBalance(account_code=code, balance_fen=balance, amount_fen=amount, floor_fen=floors[code])


def _legs_of(tx: LedgerTransaction) -> dict[str, int]:
    # The account code by a per-leg primary-key look-up rather than a join: a join's plan depends
    # on statistics, and a replay right after a big settlement may meet none yet.
    code = Account.objects.filter(pk=OuterRef("account_id")).values("code")
    rows = Leg.objects.filter(transaction=tx).order_by("id").values_list(Subquery(code), "amount_fen")
    legs: dict[str, int] = {}
    for code, amount in rows:
        legs[code] = legs.get(code, 0) + amount
    return legs


def _replayed(
    existing: LedgerTransaction, *, kind: str, legs: Mapping[str, int], reversal_of: int | None
) -> LedgerTransaction:
    same = (
        existing.kind == kind
        and existing.reversal_of_id == reversal_of
        and {c: a for c, a in _legs_of(existing).items() if a} == dict(legs)
    )
    if not same:
        raise reference_reused(existing.reference)
    return existing
