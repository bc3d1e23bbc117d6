"""Random sequences of postings, replays, withdrawals and reversals against a model of the book:
after every step the invariant check is clean and every cached balance equals its legs' sum."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fenxiao.ledger.checks import ledger_check
from fenxiao.ledger.errors import InsufficientBalance, LedgerError
from fenxiao.ledger.selectors import account_balance_derived, account_balances
from fenxiao.ledger.services import ledger_post, ledger_reverse

pytestmark = pytest.mark.django_db

_machines = itertools.count()
SLOTS = 5
amounts = st.integers(min_value=-100_000, max_value=100_000)
legs_strategy = st.lists(st.tuples(st.integers(0, SLOTS - 1), amounts), min_size=1, max_size=8)


class Book(RuleBasedStateMachine):
    """Each run works in its own accounts, so runs sharing the test's database stay independent."""

    @initialize()
    def open_book(self) -> None:
        run = next(_machines)
        self.codes = [f"run{run}:acc:{i}" for i in range(SLOTS)]
        self.balances = dict.fromkeys(self.codes, 0)
        self.posted: dict[str, dict[str, int]] = {}
        self.reversal_of: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.reversible: list[str] = []
        self.serial = itertools.count()

    def _reference(self) -> str:
        return f"{self.codes[0]}:tx:{next(self.serial)}"

    def _apply(self, legs: dict[str, int]) -> None:
        for code, amount in legs.items():
            self.balances[code] += amount

    @rule(raw=legs_strategy, sink=st.integers(0, SLOTS - 1))
    def post(self, raw, sink) -> None:
        legs = [(self.codes[i], amount) for i, amount in raw]
        legs.append((self.codes[sink], -sum(amount for _, amount in legs)))
        expected: dict[str, int] = {}
        for code, amount in legs:
            expected[code] = expected.get(code, 0) + amount
        expected = {code: amount for code, amount in expected.items() if amount}
        reference = self._reference()
        if not expected:
            with pytest.raises(LedgerError, match="分录为空"):
                ledger_post(kind="random", reference=reference, legs=legs)
            return
        tx = ledger_post(kind="random", reference=reference, legs=legs)
        assert dict(tx.legs.values_list("account__code", "amount_fen")) == expected
        self._apply(expected)
        self.posted[reference] = expected
        self.kinds[reference] = "random"
        self.reversible.append(reference)

    @precondition(lambda self: self.posted)
    @rule(data=st.data())
    def replay(self, data) -> None:
        reference = data.draw(st.sampled_from(sorted(self.posted)))
        if reference in self.reversal_of:
            ledger_reverse(reference=self.reversal_of[reference], new_reference=reference)
            return
        legs = data.draw(st.permutations(list(self.posted[reference].items())))
        ledger_post(kind=self.kinds[reference], reference=reference, legs=legs)

    @precondition(lambda self: self.posted)
    @rule(data=st.data(), extra=st.integers(1, 1000))
    def reuse(self, data, extra) -> None:
        reference = data.draw(st.sampled_from(sorted(self.posted)))
        legs = list(self.posted[reference].items())
        legs += [(self.codes[0], extra), (self.codes[1], -extra)]
        if {c: a for c, a in _merged(legs).items() if a} == self.posted[reference]:
            return
        with pytest.raises(LedgerError) as exc:
            ledger_post(kind=self.kinds.get(reference, "reversal"), reference=reference, legs=legs)
        assert exc.value.code in {"LEDGER_REFERENCE_REUSED", "LEDGER_EMPTY"}

    @rule(source=st.integers(0, SLOTS - 1), dest=st.integers(0, SLOTS - 1), amount=st.integers(1, 200_000))
    def withdraw(self, source, dest, amount) -> None:
        if source == dest:
            return
        src, dst = self.codes[source], self.codes[dest]
        reference = self._reference()
        legs = [(src, -amount), (dst, amount)]
        if self.balances[src] - amount < 0:
            with pytest.raises(InsufficientBalance):
                ledger_post(kind="withdraw", reference=reference, legs=legs, floors={src: 0})
            return
        ledger_post(kind="withdraw", reference=reference, legs=legs, floors={src: 0})
        self._apply({src: -amount, dst: amount})
        self.posted[reference] = {src: -amount, dst: amount}
        self.kinds[reference] = "withdraw"
        self.reversible.append(reference)

    @precondition(lambda self: self.reversible)
    @rule(data=st.data())
    def reverse(self, data) -> None:
        reference = data.draw(st.sampled_from(self.reversible))
        self.reversible.remove(reference)
        new_reference = self._reference()
        ledger_reverse(reference=reference, new_reference=new_reference)
        negated = {code: -amount for code, amount in self.posted[reference].items()}
        self._apply(negated)
        self.posted[new_reference] = negated
        self.reversal_of[new_reference] = reference

    @invariant()
    def book_is_sound(self) -> None:
        if not hasattr(self, "codes"):
            return
        assert ledger_check() == []
        cached = account_balances(self.codes)
        assert cached == self.balances
        for code in self.codes:
            assert account_balance_derived(code) == cached[code]


def _merged(legs) -> dict[str, int]:
    out: dict[str, int] = {}
    for code, amount in legs:
        out[code] = out.get(code, 0) + amount
    return out


def test_random_postings_keep_the_book_sound(db):
    run_state_machine_as_test(
        Book,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
