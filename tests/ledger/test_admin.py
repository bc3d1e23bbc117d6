"""Operators read the book in the console; nothing can be added, edited or deleted there."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.ledger.models import Account, LedgerTransaction, Leg
from fenxiao.ledger.services import ledger_post, ledger_reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def tx() -> LedgerTransaction:
    ledger_post(
        kind="commission_accrue",
        reference="commission:accrue:line:17:1",
        legs=[("distributor:42:pending", 1250), ("platform:commission_expense", -1250)],
        names={"distributor:42:pending": "分销商42 待结算佣金"},
    )
    return ledger_reverse(reference="commission:accrue:line:17:1", new_reference="commission:reverse:line:17:1")


@pytest.mark.parametrize("model", ["account", "ledgertransaction", "leg"])
def test_changelists_open_and_nothing_can_be_added(staff, tx, model):
    assert staff.get(f"/admin/ledger/{model}/").status_code == 200
    assert staff.get(f"/admin/ledger/{model}/add/").status_code == 403


def test_transactions_are_searchable_by_reference_and_account_code(staff, tx):
    by_reference = staff.get("/admin/ledger/ledgertransaction/", {"q": "line:17"}).content.decode()
    assert "commission:accrue:line:17:1" in by_reference and "commission:reverse:line:17:1" in by_reference
    by_code = staff.get("/admin/ledger/ledgertransaction/", {"q": "distributor:42:pending"}).content.decode()
    assert "commission:reverse:line:17:1" in by_code
    assert "commission:accrue" not in staff.get("/admin/ledger/ledgertransaction/", {"q": "refund"}).content.decode()


def test_a_transaction_page_shows_its_legs_without_a_save_button(staff, tx):
    page = staff.get(f"/admin/ledger/ledgertransaction/{tx.pk}/change/").content.decode()

    assert "distributor:42:pending" in page and "-12.50" in page and "12.50" in page
    assert "共 2 条" in page
    assert 'name="_save"' not in page
    assert staff.post(f"/admin/ledger/ledgertransaction/{tx.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LedgerTransaction.objects.filter(pk=tx.pk).exists()


def test_an_account_page_shows_cached_and_derived_balances_and_recent_legs(staff, tx):
    account = Account.objects.get(code="distributor:42:pending")
    Account.objects.filter(pk=account.pk).update(balance_fen=99)

    page = staff.get(f"/admin/ledger/account/{account.pk}/change/").content.decode()

    assert "分销商42 待结算佣金" in page and "0.99" in page
    assert "与缓存余额不一致" in page
    assert "commission:reverse:line:17:1" in page
    legs = staff.get(f"/admin/ledger/leg/?account__id__exact={account.pk}")
    assert legs.status_code == 200 and "commission:accrue:line:17:1" in legs.content.decode()


def test_a_big_transaction_page_shows_only_the_first_legs(staff, monkeypatch):
    from fenxiao.ledger import admin as ledger_admin

    monkeypatch.setattr(ledger_admin, "INLINE_LEGS", 3)
    tx = ledger_post(kind="t", reference="big", legs=[*((f"acc:{i}", 1) for i in range(6)), ("sink", -6)])

    page = staff.get(f"/admin/ledger/ledgertransaction/{tx.pk}/change/").content.decode()

    assert "acc:2" in page and "acc:3" not in page
    assert "共 7 条" in page
    assert f"transaction__id__exact={tx.pk}" in page
    assert Leg.objects.filter(transaction=tx).count() == 7
