"""Commission money under real concurrency, on PostgreSQL (DESIGN §4–§6): a payment notification
delivered twenty times at once, booking raced by itself, withdrawals racing for one balance,
two settlement sweeps at once, and a refund racing settlement. Each ends with every fen booked
once and the ledger exact.

These run with real transactions (``transaction=True``), so on-commit callbacks, the event
handlers among them, run for real in the thread that committed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from fenxiao.core import extensions
from fenxiao.core.errors import DomainError
from fenxiao.distribution import handlers, ledger_accounts
from fenxiao.distribution.commission.booking import commission_book
from fenxiao.distribution.commission.refunds import commission_refund_sync
from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.models import (
    CommissionRecord,
    CommissionStatus,
    Distributor,
    OrderReferral,
    Withdrawal,
    WithdrawalStatus,
)
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.ledger.models import LedgerTransaction, Leg
from fenxiao.ledger.selectors import account_balance
from fenxiao.ledger.services import ledger_post
from fenxiao.orders.models import Order, OrderEvent, OrderLine
from fenxiao.orders.placement_hooks import placement_hooks
from fenxiao.payments.models import Payment, PaymentStatus
from fenxiao.payments.notifications import notification_handle
from fenxiao.payments.prepare import payment_prepare
from tests.catalog_factories import SkuFactory
from tests.concurrency import run_together, run_together_ok
from tests.distribution.support import Balances, assert_ledger_clean, balances, make_distributor, make_user
from tests.order_support import mark_paid, place_order
from tests.payments import support as pay_support

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

_seq = itertools.count()


def fund(distributor, fen: int) -> None:
    """Settled commission, as settlement would leave it."""
    ledger_post(
        kind="test_seed",
        reference=f"test:fund:{distributor.id}:{next(_seq)}",
        legs=[(ledger_accounts.available(distributor.id), fen), (ledger_accounts.COMMISSION_EXPENSE, -fen)],
    )


def running_balances(code: str) -> list[int]:
    """The account's balance after each leg, in the order the legs were written (under the
    account's row lock, so id order is the order the balance moved in)."""
    amounts = Leg.objects.filter(account__code=code).order_by("id").values_list("amount_fen", flat=True)
    return list(itertools.accumulate(amounts))


@pytest.fixture
def payment_handlers_off() -> Iterator[None]:
    """Commission is not booked by ``order_paid``: the test books it itself, racing."""
    extensions.unsubscribe("order_paid", handlers.on_order_paid)
    yield
    extensions.subscribe("order_paid", handlers.on_order_paid)


# -- booking -----------------------------------------------------------------------------------


def test_twenty_concurrent_payment_notifications_book_commission_once(buyer, mid, top, sku):
    order = place_order(buyer, (sku.id, 2))  # its order_created handler snapshots the chain on commit
    payment = payment_prepare(order_id=order.pk, payer_openid=buyer.openid, description="订单").payment
    gateway = pay_gateway()
    message = pay_support.sandbox_notification(
        gateway, "TRANSACTION.SUCCESS", pay_support.transaction_resource(payment, gateway)
    )

    outcomes = run_together_ok(lambda _: notification_handle(headers=message.headers, body=message.body).outcome, 20)

    assert sorted(outcomes) == ["duplicate"] * 19 + ["paid"]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert OrderEvent.objects.filter(order=order, type="paid").count() == 1
    line = OrderLine.objects.get(order=order)
    found = {
        (r.order_line_id, r.level, r.distributor_id, r.amount_fen) for r in CommissionRecord.objects.filter(order=order)
    }
    assert found == {(line.id, 1, mid.id, 2_000), (line.id, 2, top.id, 1_000)}
    assert LedgerTransaction.objects.filter(reference=f"commission:accrue:order:{order.id}").count() == 1
    assert LedgerTransaction.objects.filter(kind="commission_accrue").count() == 1
    assert balances(mid) == Balances(pending=2_000, available=0, withdrawing=0)
    assert balances(top) == Balances(pending=1_000, available=0, withdrawing=0)
    assert account_balance(ledger_accounts.COMMISSION_EXPENSE) == -3_000
    assert OrderReferral.objects.get(order=order).booked_at is not None
    assert_ledger_clean()


@pytest.mark.parametrize("snapshot_first", [True, False], ids=["snapshot-at-creation", "snapshot-raced-too"])
def test_twenty_concurrent_bookings_of_one_order_book_one_set(
    buyer, mid, top, sku, sku2, payment_handlers_off, snapshot_first
):
    if not snapshot_first:
        # Placed before distribution existed: the twenty bookings race to snapshot the chain too.
        placement_hooks.unregister("distribution.referral_snapshot")
    try:
        order = place_order(buyer, (sku.id, 1), (sku2.id, 3))
    finally:
        placement_hooks.register("distribution.referral_snapshot", handlers.on_order_placed)
    mark_paid(order)
    assert OrderReferral.objects.filter(order=order).exists() is snapshot_first
    assert not CommissionRecord.objects.filter(order=order).exists()

    booked = run_together_ok(lambda _: len(commission_book(order_id=order.id)), 20)

    assert sorted(booked) == [0] * 19 + [4]  # two lines × two levels, written by one booking only
    amounts = dict(
        CommissionRecord.objects.filter(order=order).values_list("distributor_id").annotate(total=Sum("amount_fen"))
    )
    assert amounts == {mid.id: 1_000 + 999, top.id: 500 + 499}  # ¥100.00 and 3 × ¥33.33
    assert OrderReferral.objects.filter(order=order).count() == 1
    assert LedgerTransaction.objects.filter(reference__startswith="commission:accrue:").count() == 1
    assert balances(mid).pending == 1_999 and balances(top).pending == 999
    assert account_balance(ledger_accounts.COMMISSION_EXPENSE) == -2_998
    assert_ledger_clean()


# -- withdrawals -------------------------------------------------------------------------------


@pytest.mark.parametrize("threads", [2, 10])
def test_concurrent_withdrawals_never_overdraw(db, threads):
    walt = make_distributor("walt", real_name="王五")
    fund(walt, 50_000)  # covers one withdrawal of ¥300.00, not two

    results = run_together(
        lambda _: withdrawal_request(user_id=walt.user_id, amount_fen=30_000, method="wechat"), threads
    )

    made = [r for r in results if isinstance(r, Withdrawal)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and len(refused) == threads - 1, results
    assert {e.code for e in refused} == {"WITHDRAW_INSUFFICIENT_BALANCE"}
    assert Withdrawal.objects.count() == 1
    assert Withdrawal.objects.get().status == WithdrawalStatus.REVIEWING  # above the auto-approve line
    assert balances(walt) == Balances(pending=0, available=20_000, withdrawing=30_000)
    assert min(running_balances(ledger_accounts.available(walt.id))) >= 0  # not even for a moment
    assert_ledger_clean()


def test_concurrent_withdrawals_take_exactly_what_fits(db):
    """Ten asks of ¥150.00 against ¥500.00: three are granted, whichever three, and not a fen more."""
    walt = make_distributor("walt", real_name="王五")
    fund(walt, 50_000)

    results = run_together(lambda _: withdrawal_request(user_id=walt.user_id, amount_fen=15_000, method="wechat"), 10)

    made = [r for r in results if isinstance(r, Withdrawal)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 3 and len(refused) == 7, results
    assert {e.code for e in refused} == {"WITHDRAW_INSUFFICIENT_BALANCE"}
    assert balances(walt) == Balances(pending=0, available=5_000, withdrawing=45_000)
    assert min(running_balances(ledger_accounts.available(walt.id))) >= 0
    assert_ledger_clean()


# -- settlement --------------------------------------------------------------------------------


def make_due_records(shoppers: int, skus: list, chain_under: Distributor) -> list[Order]:
    """Paid orders (handlers run on commit) whose commission is due: the freeze has ended."""
    orders = []
    for i in range(shoppers):
        shopper = make_user(f"shopper{i}")
        referral_bind(user_id=shopper.id, code=chain_under.code, source="link")
        order = place_order(shopper, *((sku.id, 1 + (i + k) % 3) for k, sku in enumerate(skus)))
        mark_paid(order)
        orders.append(order)
    # As receipt plus the freeze would leave them.
    CommissionRecord.objects.update(settle_after=timezone.now() - timedelta(seconds=1))
    return orders


def assert_settled_exactly() -> None:
    """Every record settled once, and the ledger says the same per distributor."""
    records = list(CommissionRecord.objects.all())
    assert all(r.status == CommissionStatus.SETTLED and r.settled_at is not None for r in records)
    per_distributor: dict[int, int] = {}
    for r in records:
        per_distributor[r.distributor_id] = per_distributor.get(r.distributor_id, 0) + r.amount_fen - r.reversed_fen
    for distributor_id, net in per_distributor.items():
        assert account_balance(ledger_accounts.pending(distributor_id)) == 0
        assert account_balance(ledger_accounts.available(distributor_id)) == net
    settled_legs = Leg.objects.filter(transaction__kind="commission_settle", amount_fen__gt=0).aggregate(
        total=Sum("amount_fen")
    )["total"]
    assert settled_legs == sum(per_distributor.values())
    assert_ledger_clean()


@pytest.mark.parametrize("batch", [10_000, 17], ids=["one-batch-each", "small-batches"])
def test_two_settlement_sweeps_at_once_settle_each_record_once(mid, top, batch):
    skus = [SkuFactory(price_fen=price, stock=10_000, weight_g=100) for price in (3_333, 9_999, 1_234, 777, 10_001)]
    make_due_records(20, skus, mid)  # 20 orders × 5 lines × 2 levels
    assert CommissionRecord.objects.filter(status=CommissionStatus.PENDING).count() == 200
    now = timezone.now()

    def sweep(_: int) -> int:
        settled = 0
        while count := commission_settle_batch(now=now, batch=batch):
            settled += count
        return settled

    settled = run_together_ok(sweep, 2)

    assert sum(settled) == 200
    assert_settled_exactly()


def test_refunds_racing_settlement_take_back_exactly_once(mid, top, buyer, sku2):
    orders = []
    for _ in range(10):
        order = place_order(buyer, (sku2.id, 3))  # base 9999: 999 and 499
        mark_paid(order)
        orders.append(order)
    now = timezone.now()
    CommissionRecord.objects.update(settle_after=now - timedelta(seconds=1))
    lines = list(OrderLine.objects.filter(order__in=orders).order_by("id"))
    refunds = {line.id: 3_333 * (1 + i % 3) for i, line in enumerate(lines)}  # one, two or all three units

    def task(i: int) -> int:
        if i == 0:
            return commission_settle_batch(now=now)
        line_id = lines[i - 1].id
        OrderLine.objects.filter(pk=line_id).update(refunded_fen=F("refunded_fen") + refunds[line_id])
        return commission_refund_sync(order_line_id=line_id)

    results = run_together_ok(task, 1 + len(lines))
    commission_settle_batch(now=now)  # what a refund held locked was skipped; the next sweep settles it

    records = list(CommissionRecord.objects.all())
    taken = 0
    for r in records:
        refunded = refunds[r.order_line_id]
        assert r.refunded_base_fen == refunded
        kept = r.amount_fen * (r.base_fen - refunded) // r.base_fen
        assert r.amount_fen - r.reversed_fen - r.clawback_fen == kept
        # Either the refund came first (a reversal of pending) or settlement did (a clawback), never both.
        assert r.reversed_fen == 0 or r.clawback_fen == 0
        if r.clawback_fen:
            assert r.status == CommissionStatus.SETTLED
        elif kept == 0:
            assert r.status == CommissionStatus.CANCELLED
        else:
            assert r.status == CommissionStatus.SETTLED
        taken += r.reversed_fen + r.clawback_fen
    assert sum(results[1:]) == taken
    assert taken == sum(r.amount_fen for r in records) - sum(
        r.amount_fen * (r.base_fen - refunds[r.order_line_id]) // r.base_fen for r in records
    )
    kept_by = {}
    for r in records:
        kept_by[r.distributor_id] = kept_by.get(r.distributor_id, 0) + r.amount_fen - r.reversed_fen - r.clawback_fen
    assert balances(mid) == Balances(pending=0, available=kept_by[mid.id], withdrawing=0)
    assert balances(top) == Balances(pending=0, available=kept_by[top.id], withdrawing=0)
    assert account_balance(ledger_accounts.COMMISSION_EXPENSE) == -sum(kept_by.values())
    assert_ledger_clean()


def test_opens_at_once_all_count_and_make_one_counter_row():
    from fenxiao.distribution.insights.opens import share_open_record
    from fenxiao.distribution.models import ShareOpen

    distributor = make_distributor("opens")

    run_together_ok(lambda i: share_open_record(code=distributor.code, channel="share"), n=12)

    assert list(ShareOpen.objects.values_list("opens", flat=True)) == [12]
