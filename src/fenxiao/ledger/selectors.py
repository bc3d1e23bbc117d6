"""Reading the book. Balances come from the cached ``Account.balance_fen`` (one indexed row);
``account_balance_derived`` recomputes one from the legs, for audits and the admin."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet, Sum

from fenxiao.ledger.models import Account, LedgerTransaction, Leg

_CHUNK = 900  # below SQLite's oldest limit of variables per statement


def account_balance(code: str) -> int:
    """Cached balance in fen; 0 for an account that was never posted to."""
    return Account.objects.filter(code=code).values_list("balance_fen", flat=True).first() or 0


def account_balances(codes: Iterable[str]) -> dict[str, int]:
    """Cached balance of every code asked for (0 for unknown accounts)."""
    wanted = list(dict.fromkeys(codes))
    balances = dict.fromkeys(wanted, 0)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        balances.update(Account.objects.filter(code__in=chunk).values_list("code", "balance_fen"))
    return balances


def account_balance_derived(code: str) -> int:
    """The balance as the sum of the account's legs: what the cache must equal."""
    return Leg.objects.filter(account__code=code).aggregate(total=Sum("amount_fen"))["total"] or 0


def account_legs(code: str, limit: int = 50) -> list[Leg]:
    """The account's latest legs, newest first, each with its transaction."""
    return list(Leg.objects.filter(account__code=code).select_related("transaction", "account").order_by("-id")[:limit])


def transactions_for(reference_prefix: str) -> QuerySet[LedgerTransaction]:
    """Transactions whose reference starts with ``reference_prefix`` (``"commission:accrue:line:17:"``),
    oldest first, with their legs and accounts prefetched."""
    return (
        LedgerTransaction.objects.filter(reference__startswith=reference_prefix)
        .order_by("id")
        .prefetch_related("legs__account")
    )
