"""The ledger's stable error codes. ``LedgerError`` is the base of everything the ledger raises to
a caller, so ``except LedgerError`` catches them all; refusals that depend on the current state of
the book (reused reference, too little money) answer 409 like any other ``Conflict``."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, NotFound
from fenxiao.core.money import fen_to_yuan


class LedgerError(DomainError):
    pass


class LedgerConflict(LedgerError, Conflict):
    """409: the request is well formed but the book's current state refuses it."""


class LedgerNotFound(LedgerError, NotFound):
    pass


class InsufficientBalance(LedgerConflict):
    """A floored account would end below its floor. Carries the numbers for logs and callers that
    want to say more than the generic message."""

    def __init__(self, *, account_code: str, balance_fen: int, amount_fen: int, floor_fen: int):
        super().__init__(
            "LEDGER_INSUFFICIENT_BALANCE",
            f"余额不足：可用 {fen_to_yuan(max(balance_fen - floor_fen, 0))} 元，本次需要 {fen_to_yuan(-amount_fen)} 元",
        )
        self.account_code = account_code
        self.balance_fen = balance_fen
        self.amount_fen = amount_fen
        self.floor_fen = floor_fen


def ledger_empty() -> LedgerError:
    return LedgerError("LEDGER_EMPTY", "记账分录为空：至少需要一条非零分录")


def ledger_unbalanced(total_fen: int) -> LedgerError:
    return LedgerError("LEDGER_UNBALANCED", f"借贷不平：分录合计 {fen_to_yuan(total_fen)} 元，应为 0")


def ledger_invalid(message: str) -> LedgerError:
    return LedgerError("LEDGER_INVALID", message)


def reference_reused(reference: str) -> LedgerConflict:
    return LedgerConflict("LEDGER_REFERENCE_REUSED", f"记账凭证号 {reference} 已用于另一笔不同的记账")


def already_reversed(reference: str) -> LedgerConflict:
    return LedgerConflict("LEDGER_ALREADY_REVERSED", f"记账 {reference} 已被冲正过")


def transaction_not_found(reference: str) -> LedgerNotFound:
    return LedgerNotFound("LEDGER_TRANSACTION_NOT_FOUND", f"记账 {reference} 不存在")


def append_only() -> LedgerError:
    """A programming error, not a request to refuse: entries are corrected by a reversal."""
    return LedgerError("LEDGER_APPEND_ONLY", "账本记录只能追加，不能修改或删除；请用冲正更正", status=500)
