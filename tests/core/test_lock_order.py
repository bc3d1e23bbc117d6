"""The global lock order (docs/DESIGN.md §4), watched on PostgreSQL: every row lock and every
conditional update a money path takes, in the order it takes them, must climb the written order
and never come back down within one transaction. Two transactions that both follow it can wait
for each other but never deadlock."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.db import connection
from psycopg.pq import TransactionStatus

from fenxiao.orders.services import order_cancel
from fenxiao.payments.services import sandbox_payment_succeed
from tests.catalog_factories import SkuFactory
from tests.order_support import address_for, place_order

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

# The written order, top to bottom (DESIGN §4 "Lock order"). Tables not listed take no part.
LOCK_ORDER = (
    "accounts_user",
    "orders_order",
    "orders_aftersale",
    "payments_payment",
    "payments_refund",
    "inventory_stock",
    "promotions_coupontemplate",
    "promotions_usercoupon",
    "distribution_referral",
    "distribution_orderreferral",
    "distribution_commissionrecord",
    "ledger_account",
)
LOCKING = re.compile(r'^\s*(?:SELECT .* FROM "?(\w+)"?.* FOR (?:NO KEY )?UPDATE|UPDATE "?(\w+)"?)', re.S | re.I)


@contextmanager
def watched():
    """(transaction number, table) of every lock taken, in order."""
    taken: list[tuple[int, str]] = []
    transactions = {"n": 0}

    def watch(execute, sql, params, many, context):
        # A statement sent while the server-side session is idle starts a new transaction.
        if connection.connection.info.transaction_status == TransactionStatus.IDLE:
            transactions["n"] += 1
        match = LOCKING.match(sql)
        if match:
            taken.append((transactions["n"], match[1] or match[2]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield taken


def assert_climbs(taken: list[tuple[int, str]]) -> None:
    """Within each transaction, the first lock on each table comes in the written order (taking
    a row again that the transaction already holds, such as the order it updates, waits on
    nothing)."""
    firsts: dict[int, list[str]] = {}
    for transaction_no, table in taken:
        seen = firsts.setdefault(transaction_no, [])
        if table in LOCK_ORDER and table not in seen:
            seen.append(table)
    assert any(len(tables) > 1 for tables in firsts.values()), "no transaction took two locks: the watch is broken"
    for tables in firsts.values():
        assert tables == sorted(tables, key=LOCK_ORDER.index), f"against the written lock order: {tables}"


def test_placing_paying_and_cancelling_follow_the_written_lock_order(django_user_model):
    buyer = django_user_model.objects.create(username="wx_lock", openid="sandbox-lock")
    address_for(buyer)
    skus = [SkuFactory(price_fen=1_000, stock=10) for _ in range(3)]
    with watched() as taken:
        paid = place_order(buyer, *[(s.id, 1) for s in reversed(skus)])
        sandbox_payment_succeed(order_id=paid.pk)
        unpaid = place_order(buyer, (skus[0].id, 2), (skus[2].id, 1))
        order_cancel(order_id=unpaid.pk, by=buyer, reason="不要了")
    assert_climbs(taken)
