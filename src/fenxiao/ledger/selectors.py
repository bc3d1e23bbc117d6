"""Reading the book. Balances come from the cached ``Account.balance_fen`` (one indexed row);
``account_balance_derived`` recomputes one from the legs, for audits and the admin."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Sum

from fenxiao.core.limits import chunks
from fenxiao.ledger.models import Account, Leg


def account_balance(code: str) -> int:
    """Cached balance in fen; 0 for an account that was never posted to."""
    return Account.objects.filter(code=code).values_list("balance_fen", flat=True).first() or 0


def account_balances(codes: Iterable[str]) -> dict[str, int]:
    """Cached balance of every code asked for (0 for unknown accounts)."""
    wanted = list(dict.fromkeys(codes))
    balances = dict.fromkeys(wanted, 0)
    for chunk in chunks(wanted):
        balances.update(Account.objects.filter(code__in=chunk).values_list("code", "balance_fen"))
    return balances


def account_balance_derived(code: str) -> int:
    """The balance as the sum of the account's legs: what the cache must equal."""
    return Leg.objects.filter(account__code=code).aggregate(total=Sum("amount_fen"))["total"] or 0
