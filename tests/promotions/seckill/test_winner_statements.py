"""A seckill winner is a full order placed while the crowd waits, so its statements are counted:
the buyer's row is locked once (not again by ``order_create``), and the prebuilt statements of
``seckill.statements`` keep the rules the querysets they replaced kept (limit, window, pause,
sold out), on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fenxiao.accounts.tokens import token_decode
from fenxiao.orders.services import order_cancel
from fenxiao.promotions.models import SeckillActivity, SeckillStatus
from fenxiao.promotions.seckill import statements
from fenxiao.promotions.seckill.purchases import TokenBuyer, seckill_buy
from tests.promotions.seckill.support import (
    address_of,
    buy,
    gate,
    make_activity,
    minutes,
    now,
    redis_gate,
    shopper,
    token_of,
)

__all__ = ["gate", "redis_gate"]  # fixtures
pytestmark = pytest.mark.django_db

# BEGIN; the buyer's row, locked; the activity; the units held; the savepoint of order_create and
# its release; the unpaid-orders cap; the SKU; the address; the order, its line, the stock and its
# reservation; the purchase; the referral chain and its snapshot; the order event; ``sold``; COMMIT.
WINNER_STATEMENTS = 19


def _win(activity, user):
    buyer, address = TokenBuyer(token_decode(token_of(user), expected_type="access")), address_of(user)
    with CaptureQueriesContext(connection) as queries:
        order = seckill_buy(user=buyer, activity_id=activity.pk, **address)
    return order, [q["sql"] for q in queries.captured_queries]


def test_a_winner_locks_the_buyer_once_and_runs_the_counted_statements(redis_gate, sku):
    activity = make_activity(sku, stock=10)
    _win(activity, shopper("warm"))  # the first order of a process fills caches (settings, templates)

    order, sqls = _win(activity, shopper("counted"))

    assert order.pk
    buyer_reads = [s for s in sqls if re.search(r'FROM "accounts_user" WHERE ', s)]
    assert len(buyer_reads) == 1, buyer_reads
    if connection.vendor == "postgresql":
        assert buyer_reads[0].endswith("FOR NO KEY UPDATE")
    assert len(sqls) == WINNER_STATEMENTS, sqls


def test_units_held_counts_placed_units_and_not_returned_ones(gate, sku, commit):
    activity = make_activity(sku, stock=10, per_user_limit=2)
    buyer, other = shopper("held"), shopper("other")
    first = buy(buyer, activity)
    buy(buyer, activity)

    assert statements.units_held(activity_id=activity.pk, user_id=buyer.pk) == 2
    assert statements.units_held(activity_id=activity.pk, user_id=other.pk) == 0
    with commit():
        order_cancel(order_id=first.pk, by=buyer)
    assert statements.units_held(activity_id=activity.pk, user_id=buyer.pk) == 1


@pytest.mark.parametrize(
    ("change", "taken"),
    [
        ({}, True),
        ({"sold": 10}, False),
        ({"status": SeckillStatus.PAUSED}, False),
        ({"starts_at": 5}, False),  # datetimes as minutes from the test's own now, not collection time
        ({"starts_at": -10, "ends_at": -1}, False),
    ],
)
def test_a_unit_is_taken_only_while_units_are_left_and_the_activity_is_open(sku, change, taken):
    at = now()
    activity = make_activity(sku, stock=10)
    fields = {k: at + minutes(v) if k.endswith("_at") else v for k, v in change.items()}
    SeckillActivity.objects.filter(pk=activity.pk).update(**fields)
    sold_before = SeckillActivity.objects.get(pk=activity.pk).sold

    assert statements.unit_taken(activity_id=activity.pk, now=at) is taken

    assert SeckillActivity.objects.get(pk=activity.pk).sold == sold_before + (1 if taken else 0)


def test_the_window_edges_are_the_querysets_edges(sku):
    """Open from ``starts_at`` (inclusive) to ``ends_at`` (exclusive), to the microsecond: on SQLite
    the bound values are compared as text, so they must be written as the ORM writes them."""
    activity = make_activity(sku, stock=10)
    activity.refresh_from_db()

    assert statements.unit_taken(activity_id=activity.pk, now=activity.starts_at) is True
    assert statements.unit_taken(activity_id=activity.pk, now=activity.ends_at) is False
    assert statements.unit_taken(activity_id=activity.pk, now=activity.ends_at - timedelta(microseconds=1)) is True
    assert statements.unit_taken(activity_id=activity.pk, now=activity.starts_at - timedelta(microseconds=1)) is False


def test_activity_row_reads_the_row_the_orm_reads(sku):
    activity = make_activity(sku, stock=7)

    row = statements.activity_row(activity.pk)

    orm = SeckillActivity.objects.get(pk=activity.pk)
    assert {f.attname: getattr(row, f.attname) for f in orm._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in orm._meta.concrete_fields
    }
    assert statements.activity_row(activity.pk + 1_000) is None
