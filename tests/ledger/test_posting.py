"""Posting: balanced, merged, idempotent by reference, floored, and cheap for one small posting."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import Conflict
from fenxiao.ledger.checks import ledger_check
from fenxiao.ledger.errors import InsufficientBalance, LedgerError
from fenxiao.ledger.models import Account, LedgerTransaction, Leg
from fenxiao.ledger.selectors import account_balance, account_balance_derived, account_balances
from fenxiao.ledger.services import ledger_post

pytestmark = pytest.mark.django_db

PENDING = "distributor:7:pending"
AVAILABLE = "distributor:7:available"
WITHDRAWING = "distributor:7:withdrawing"
EXPENSE = "platform:commission_expense"


def accrue(amount: int, reference: str = "commission:accrue:line:1:1") -> LedgerTransaction:
    return ledger_post(
        kind="commission_accrue",
        reference=reference,
        legs=[(PENDING, amount), (EXPENSE, -amount)],
        names={PENDING: "分销商7 待结算佣金", EXPENSE: "平台佣金支出"},
    )


def book_size() -> tuple[int, int, int]:
    return Account.objects.count(), LedgerTransaction.objects.count(), Leg.objects.count()


def test_a_balanced_posting_creates_accounts_legs_and_moves_cached_balances():
    tx = accrue(1250)

    assert tx.pk and tx.kind == "commission_accrue" and tx.reference == "commission:accrue:line:1:1"
    assert LedgerTransaction.objects.get(pk=tx.pk).created_at == tx.created_at
    assert dict(tx.legs.values_list("account__code", "amount_fen")) == {PENDING: 1250, EXPENSE: -1250}
    assert account_balances([PENDING, EXPENSE]) == {PENDING: 1250, EXPENSE: -1250}
    assert Account.objects.get(code=PENDING).name == "分销商7 待结算佣金"
    assert ledger_check() == []


def test_names_label_new_accounts_only():
    ledger_post(kind="t", reference="r1", legs=[("a", 1), ("b", -1)], names={"a": "甲"})
    ledger_post(kind="t", reference="r2", legs=[("a", 1), ("b", -1)], names={"a": "改名", "b": "乙"})

    assert dict(Account.objects.values_list("code", "name")) == {"a": "甲", "b": ""}


def test_postings_accumulate_on_the_cached_balance():
    accrue(1000, "ref:1")
    accrue(250, "ref:2")
    ledger_post(kind="commission_settle", reference="ref:3", legs=[(PENDING, -1250), (AVAILABLE, 1250)])

    assert account_balances([PENDING, AVAILABLE, EXPENSE]) == {PENDING: 0, AVAILABLE: 1250, EXPENSE: -1250}
    for code in (PENDING, AVAILABLE, EXPENSE):
        assert account_balance(code) == account_balance_derived(code)


def test_duplicate_codes_are_merged_into_one_leg_and_zero_legs_dropped():
    tx = ledger_post(
        kind="t", reference="merge", legs=[("a", 300), ("b", -500), ("a", 200), ("c", 0), ("d", 40), ("d", -40)]
    )

    assert sorted(tx.legs.values_list("account__code", "amount_fen")) == [("a", 500), ("b", -500)]
    assert not Account.objects.filter(code__in=["c", "d"]).exists()


@pytest.mark.parametrize(
    ("legs", "code"),
    [
        ([("a", 100), ("b", -99)], "LEDGER_UNBALANCED"),
        ([("a", 100)], "LEDGER_UNBALANCED"),
        ([], "LEDGER_EMPTY"),
        ([("a", 0), ("b", 0)], "LEDGER_EMPTY"),
        ([("a", 10), ("a", -10)], "LEDGER_EMPTY"),
    ],
)
def test_unbalanced_or_empty_postings_write_nothing(legs, code):
    with pytest.raises(LedgerError) as exc:
        ledger_post(kind="t", reference="bad", legs=legs)

    assert exc.value.code == code
    assert book_size() == (0, 0, 0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": ""}, "kind"),
        ({"kind": "k" * 41}, "kind"),
        ({"reference": ""}, "reference"),
        ({"reference": "r" * 121}, "reference"),
        ({"memo": "m" * 201}, "memo"),
        ({"floors": {"a": 0.5}}, "floors"),
    ],
)
def test_malformed_headers_are_refused(kwargs, field):
    args = {"kind": "t", "reference": "r", "legs": [("a", -1), ("b", 1)], **kwargs}
    with pytest.raises(LedgerError) as exc:
        ledger_post(**args)
    assert exc.value.code == "LEDGER_INVALID", field
    assert book_size() == (0, 0, 0)


def test_a_replay_returns_the_first_transaction_and_writes_nothing(django_assert_max_num_queries):
    first = accrue(1250)
    before = book_size()

    with django_assert_max_num_queries(4):  # savepoint, look-up, its legs, release
        again = accrue(1250)

    assert again.pk == first.pk
    assert book_size() == before
    assert account_balance(PENDING) == 1250


def test_a_replay_matches_on_merged_legs_whatever_their_order_or_split():
    first = ledger_post(kind="t", reference="same", legs=[("a", 100), ("b", -100)])

    again = ledger_post(kind="t", reference="same", legs=[("b", -60), ("a", 100), ("b", -40), ("c", 0)])

    assert again.pk == first.pk
    assert account_balances(["a", "b"]) == {"a": 100, "b": -100}


@pytest.mark.parametrize(
    ("kind", "legs"),
    [
        ("commission_accrue", [(PENDING, 1251), (EXPENSE, -1251)]),
        ("commission_accrue", [(AVAILABLE, 1250), (EXPENSE, -1250)]),
        ("commission_accrue", [(PENDING, 1250), (EXPENSE, -1000), ("platform:other", -250)]),
        ("commission_settle", [(PENDING, 1250), (EXPENSE, -1250)]),
    ],
)
def test_reusing_a_reference_for_different_legs_or_kind_is_a_conflict(kind, legs):
    accrue(1250)
    before = book_size()

    with pytest.raises(LedgerError) as exc:
        ledger_post(kind=kind, reference="commission:accrue:line:1:1", legs=legs)

    assert exc.value.code == "LEDGER_REFERENCE_REUSED"
    assert isinstance(exc.value, Conflict) and exc.value.status == 409
    assert book_size() == before
    assert account_balance(PENDING) == 1250


def test_a_floor_refuses_a_withdrawal_that_would_overdraw_and_writes_nothing():
    ledger_post(kind="t", reference="fund", legs=[(AVAILABLE, 1000), (EXPENSE, -1000)])
    before = book_size()

    with pytest.raises(InsufficientBalance) as exc:
        ledger_post(
            kind="withdrawal_request",
            reference="withdrawal:1",
            legs=[(AVAILABLE, -1001), (WITHDRAWING, 1001)],
            floors={AVAILABLE: 0},
        )

    error = exc.value
    assert error.code == "LEDGER_INSUFFICIENT_BALANCE" and error.status == 409
    assert isinstance(error, Conflict) and isinstance(error, LedgerError)
    assert "余额不足" in error.message
    assert (error.account_code, error.balance_fen, error.amount_fen, error.floor_fen) == (AVAILABLE, 1000, -1001, 0)
    assert book_size() == before
    assert account_balances([AVAILABLE, WITHDRAWING]) == {AVAILABLE: 1000, WITHDRAWING: 0}


def test_a_floor_allows_ending_exactly_on_it():
    ledger_post(kind="t", reference="fund", legs=[(AVAILABLE, 1000), (EXPENSE, -1000)])

    ledger_post(
        kind="withdrawal_request",
        reference="withdrawal:1",
        legs=[(AVAILABLE, -800), (WITHDRAWING, 800)],
        floors={AVAILABLE: 200},
    )

    assert account_balance(AVAILABLE) == 200


def test_a_floor_on_a_new_account_counts_its_balance_as_zero():
    with pytest.raises(InsufficientBalance):
        ledger_post(kind="t", reference="w", legs=[("new", -1), ("other", 1)], floors={"new": 0})
    assert book_size() == (0, 0, 0)


def test_money_coming_in_is_never_refused_by_a_floor():
    """After a clawback the available balance is negative; later commission repays it."""
    ledger_post(kind="clawback", reference="claw", legs=[(AVAILABLE, -500), (EXPENSE, 500)])

    ledger_post(
        kind="commission_settle",
        reference="settle",
        legs=[(AVAILABLE, 300), (EXPENSE, -300)],
        floors={AVAILABLE: 0, "platform:untouched": 0},
    )

    assert account_balance(AVAILABLE) == -200


def test_the_error_inside_an_outer_transaction_leaves_the_callers_work_alone():
    from django.db import transaction

    with transaction.atomic():
        accrue(100, "kept")
        with pytest.raises(InsufficientBalance):
            ledger_post(kind="t", reference="refused", legs=[("fresh", -1), ("x", 1)], floors={"fresh": 0})
        assert LedgerTransaction.objects.filter(reference="kept").exists()
    assert not Account.objects.filter(code__in=["fresh", "x"]).exists()
    assert ledger_check() == []


def test_a_small_posting_takes_a_few_queries(django_assert_max_num_queries):
    accrue(100, "warm")  # the accounts exist

    with django_assert_max_num_queries(7):
        accrue(100, "second")

    assert account_balance(PENDING) == 200


def test_one_posting_with_thousands_of_legs_over_new_and_existing_accounts():
    """More codes than one SQLite statement may carry: looked up, created and moved in chunks."""
    ledger_post(kind="t", reference="warm", legs=[*((f"d:{i}", 1) for i in range(0, 3000, 2)), ("sink", -1500)])

    legs = [(f"d:{i}", 10) for i in range(3000)] + [(f"d:{i}", -3) for i in range(0, 3000, 3)] + [("sink", -27_000)]
    tx = ledger_post(kind="settle", reference="big", legs=legs)

    assert tx.legs.count() == 3001
    balances = account_balances(["d:0", "d:1", "d:2", "d:3", "sink"])
    assert balances == {"d:0": 8, "d:1": 10, "d:2": 11, "d:3": 7, "sink": -28_500}
    assert ledger_check() == []
    assert ledger_post(kind="settle", reference="big", legs=legs).pk == tx.pk
