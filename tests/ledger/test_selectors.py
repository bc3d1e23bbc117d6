"""Reading balances."""

from __future__ import annotations

import pytest

from fenxiao.ledger.selectors import (
    account_balance,
    account_balance_derived,
    account_balances,
)
from fenxiao.ledger.services import ledger_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def book() -> None:
    ledger_post(kind="commission_accrue", reference="commission:accrue:line:17:1", legs=[("d:1", 100), ("x", -100)])
    ledger_post(kind="commission_accrue", reference="commission:accrue:line:17:2", legs=[("d:2", 50), ("x", -50)])
    ledger_post(kind="commission_accrue", reference="commission:accrue:line:170:1", legs=[("d:1", 7), ("x", -7)])
    ledger_post(kind="commission_settle", reference="commission:settle:1", legs=[("d:1", -100), ("a:1", 100)])


def test_balances_are_cached_and_unknown_accounts_are_zero(book):
    assert account_balance("d:1") == 7
    assert account_balance("nobody") == 0
    assert account_balances(["x", "d:2", "nobody", "x"]) == {"x": -157, "d:2": 50, "nobody": 0}
    assert account_balances([]) == {}


def test_many_balances_at_once(book):
    codes = [f"none:{i}" for i in range(2000)] + ["x"]
    balances = account_balances(codes)
    assert len(balances) == 2001 and balances["x"] == -157 and balances["none:1999"] == 0


def test_the_derived_balance_sums_the_legs(book):
    assert account_balance_derived("d:1") == 7
    assert account_balance_derived("x") == -157
    assert account_balance_derived("nobody") == 0
