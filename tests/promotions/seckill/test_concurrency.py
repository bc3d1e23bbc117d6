"""Seckill under real concurrent transactions (PostgreSQL), on the database alone and behind the
Redis gate: 50 requests for 10 units, some shoppers trying twice, sell exactly 10, nobody past the
limit, and the Redis stock equals the database's remaining; a cancelled unpaid order gives its
unit back exactly once even when the event is delivered twice at the same moment; the reconcile
sweep and a pause racing the crowd leave the gate equal to the database."""

from __future__ import annotations

import pytest
from django.db.models import Count

from fenxiao.core.errors import DomainError
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_cancel
from fenxiao.promotions.models import SeckillPurchase, SeckillPurchaseStatus
from fenxiao.promotions.seckill.activities import (
    SeckillConflict,
    seckill_activity_pause,
    seckill_gate_reconcile,
    seckill_gate_seed,
)
from fenxiao.promotions.seckill.gate import Reset
from fenxiao.promotions.seckill.purchases import held_units, seckill_buy, seckill_return_for_order
from tests.catalog_factories import SkuFactory
from tests.concurrency import run_together
from tests.promotions.seckill.support import gate, gate_held, make_activity, redis_gate, remaining, shopper

__all__ = ["gate", "redis_gate"]
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_fifty_requests_for_ten_units_sell_exactly_ten(gate):
    sku = SkuFactory(price_fen=10_000, stock=1_000)
    activity = make_activity(sku, stock=10, per_user_limit=1)
    users = [shopper(f"r{i}") for i in range(40)]
    addresses = {u.id: u.addresses.get(is_default=True).id for u in users}
    # 40 shoppers; the first 10 of them send a second request at the same moment.
    who = users + users[:10]

    def attempt(i: int):
        user = who[i]
        return seckill_buy(user=user, activity_id=activity.pk, address_id=addresses[user.id])

    results = run_together(attempt, n=50)

    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if isinstance(r, SeckillConflict)]
    assert (len(won), len(lost)) == (10, 40), [r for r in results if not isinstance(r, Order | SeckillConflict)][:3]
    assert {e.code for e in lost} <= {"SECKILL_SOLD_OUT", "SECKILL_LIMIT_REACHED"}
    per_user = SeckillPurchase.objects.filter(activity=activity).values("user").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_user) == 1
    assert SeckillPurchase.objects.filter(activity=activity, status=SeckillPurchaseStatus.PLACED).count() == 10
    assert Order.objects.filter(seckill_purchase__activity=activity).count() == 10
    assert remaining(activity) == (0, 0 if gate == "redis" else None)


def test_a_cancelled_order_returns_its_unit_once_under_a_doubled_event(gate):
    sku = SkuFactory(price_fen=10_000, stock=100)
    activity = make_activity(sku, stock=3)
    user = shopper("c")
    order = seckill_buy(user=user, activity_id=activity.pk, address_id=user.addresses.get(is_default=True).id)
    order_cancel(order_id=order.id, by=user, reason="超时未支付")  # outside a transaction: handlers ran

    results = run_together(lambda i: seckill_return_for_order(order_id=order.id), n=4)

    assert not any(isinstance(r, DomainError | Exception) for r in results), results
    assert results.count(True) == 0  # the order_cancelled handler already gave it back
    assert SeckillPurchase.objects.get(order=order).status == SeckillPurchaseStatus.RETURNED
    assert remaining(activity) == (3, 3 if gate == "redis" else None)


def test_two_racing_returns_of_one_order_give_back_one_unit(gate):
    sku = SkuFactory(price_fen=10_000, stock=100)
    activity = make_activity(sku, stock=3)
    user = shopper("d")
    order = seckill_buy(user=user, activity_id=activity.pk, address_id=user.addresses.get(is_default=True).id)
    Order.objects.filter(pk=order.pk).update(status="cancelled")  # cancelled without its event yet

    results = run_together(lambda i: seckill_return_for_order(order_id=order.id), n=4)

    assert results.count(True) == 1 and results.count(False) == 3, results
    assert remaining(activity) == (3, 3 if gate == "redis" else None)


def test_the_reconcile_sweep_racing_the_crowd_never_moves_the_gate_off_the_database(redis_gate):
    sku = SkuFactory(price_fen=10_000, stock=1_000)
    activity = make_activity(sku, stock=15, per_user_limit=1)
    seckill_gate_seed(activity_id=activity.pk)
    users = [shopper(f"w{i}") for i in range(30)]
    addresses = {u.id: u.addresses.get(is_default=True).id for u in users}

    def attempt(i: int):
        if i % 6 == 5:  # six sweeps among thirty buyers
            return seckill_gate_reconcile(activity_id=activity.pk)
        user = users[i - i // 6]
        return seckill_buy(user=user, activity_id=activity.pk, address_id=addresses[user.id])

    results = run_together(attempt, n=36)

    won = [r for r in results if isinstance(r, Order)]
    unexpected = [r for r in results if not isinstance(r, Order | SeckillConflict | Reset)]
    assert not unexpected and len(won) == 15, unexpected[:3]
    assert remaining(activity) == (0, 0)
    assert gate_held(activity.pk) == held_units(activity_id=activity.pk)
    assert seckill_gate_reconcile(activity_id=activity.pk) == Reset.EQUAL


def test_a_pause_racing_the_crowd_leaves_the_gate_equal_to_the_database_and_sells_nothing_after(redis_gate):
    sku = SkuFactory(price_fen=10_000, stock=1_000)
    activity = make_activity(sku, stock=20, per_user_limit=1)
    seckill_gate_seed(activity_id=activity.pk)
    users = [shopper(f"p{i}") for i in range(24)]
    addresses = {u.id: u.addresses.get(is_default=True).id for u in users}

    def attempt(i: int):
        if i == 12:
            return seckill_activity_pause(activity_id=activity.pk)
        user = users[i]
        return seckill_buy(user=user, activity_id=activity.pk, address_id=addresses[user.id])

    results = run_together(attempt, n=24)

    won = [r for r in results if isinstance(r, Order)]
    refused = {r.code for r in results if isinstance(r, SeckillConflict)}
    assert len(won) + sum(isinstance(r, SeckillConflict) for r in results) == 23, results
    assert refused <= {"SECKILL_PAUSED", "SECKILL_SOLD_OUT"}
    activity.refresh_from_db()
    assert activity.sold == len(won) == SeckillPurchase.objects.filter(activity=activity).count()
    assert remaining(activity) == (20 - len(won), 20 - len(won))
    assert gate_held(activity.pk) == held_units(activity_id=activity.pk)
    late = shopper("late")
    with pytest.raises(SeckillConflict) as exc:
        seckill_buy(user=late, activity_id=activity.pk, address_id=late.addresses.get(is_default=True).id)
    assert exc.value.code == "SECKILL_PAUSED"
