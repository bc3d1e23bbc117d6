"""Transactions and legs are append-only in Python on every database (PostgreSQL triggers add a
second guard, tested in test_postgres.py)."""

from __future__ import annotations

import pytest

from fenxiao.ledger.errors import LedgerError
from fenxiao.ledger.models import Account, LedgerTransaction, Leg
from fenxiao.ledger.services import ledger_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def tx() -> LedgerTransaction:
    return ledger_post(kind="t", reference="r", legs=[("a", 5), ("b", -5)])


def _refused(action) -> None:
    with pytest.raises(LedgerError) as exc:
        action()
    assert exc.value.code == "LEDGER_APPEND_ONLY"


def test_saving_an_existing_transaction_or_leg_is_refused(tx):
    tx.memo = "edited"
    _refused(tx.save)
    leg = tx.legs.first()
    leg.amount_fen = 6
    _refused(leg.save)
    assert LedgerTransaction.objects.get(pk=tx.pk).memo == "" and Leg.objects.get(pk=leg.pk).amount_fen == 5


def test_deleting_is_refused_row_by_row_and_in_bulk(tx):
    _refused(tx.delete)
    _refused(tx.legs.first().delete)
    _refused(LedgerTransaction.objects.all().delete)
    _refused(Leg.objects.all().delete)
    _refused(lambda: Leg.objects.update(amount_fen=1))
    _refused(lambda: LedgerTransaction.objects.update(memo="x"))
    assert Leg.objects.count() == 2


def test_an_account_with_legs_cannot_be_deleted(tx):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Account.objects.get(code="a").delete()
