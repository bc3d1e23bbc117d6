"""Entries are never edited, only reversed: a reversal posts the exact negation, once."""

from __future__ import annotations

import pytest

from fenxiao.ledger.checks import ledger_check
from fenxiao.ledger.errors import LedgerError
from fenxiao.ledger.models import LedgerTransaction
from fenxiao.ledger.selectors import account_balances
from fenxiao.ledger.services import ledger_post, ledger_reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def accrual() -> LedgerTransaction:
    ledger_post(kind="seed", reference="seed", legs=[("p", 40), ("x", -40)])
    return ledger_post(kind="commission_accrue", reference="accrue:1", legs=[("p", 700), ("q", 300), ("x", -1000)])


def test_a_reversal_posts_the_negation_and_restores_every_balance(accrual):
    reversal = ledger_reverse(reference="accrue:1", new_reference="accrue:1:reversal")

    assert reversal.kind == "reversal" and reversal.reversal_of_id == accrual.pk
    assert reversal.memo == "冲正 accrue:1"
    assert dict(reversal.legs.values_list("account__code", "amount_fen")) == {"p": -700, "q": -300, "x": 1000}
    assert account_balances(["p", "q", "x"]) == {"p": 40, "q": 0, "x": -40}
    assert LedgerTransaction.objects.get(pk=accrual.pk).legs.count() == 3  # the original is untouched
    assert ledger_check() == []


def test_replaying_a_reversal_returns_it(accrual):
    first = ledger_reverse(reference="accrue:1", new_reference="rev", memo="订单退款")

    again = ledger_reverse(reference="accrue:1", new_reference="rev", memo="订单退款")

    assert again.pk == first.pk and first.memo == "订单退款"
    assert account_balances(["p", "q", "x"]) == {"p": 40, "q": 0, "x": -40}


def test_a_transaction_is_reversed_only_once(accrual):
    ledger_reverse(reference="accrue:1", new_reference="rev:1")

    with pytest.raises(LedgerError) as exc:
        ledger_reverse(reference="accrue:1", new_reference="rev:2")

    assert exc.value.code == "LEDGER_ALREADY_REVERSED" and exc.value.status == 409
    assert account_balances(["p", "q", "x"]) == {"p": 40, "q": 0, "x": -40}


def test_a_reversal_can_itself_be_reversed(accrual):
    ledger_reverse(reference="accrue:1", new_reference="rev:1")

    ledger_reverse(reference="rev:1", new_reference="rev:1:rev")

    assert account_balances(["p", "q", "x"]) == {"p": 740, "q": 300, "x": -1040}


def test_a_new_reference_already_used_elsewhere_is_a_conflict(accrual):
    with pytest.raises(LedgerError) as exc:
        ledger_reverse(reference="accrue:1", new_reference="seed")
    assert exc.value.code == "LEDGER_REFERENCE_REUSED"


def test_reversing_an_unknown_transaction_is_not_found():
    with pytest.raises(LedgerError) as exc:
        ledger_reverse(reference="nope", new_reference="nope:rev")
    assert exc.value.code == "LEDGER_TRANSACTION_NOT_FOUND" and exc.value.status == 404
