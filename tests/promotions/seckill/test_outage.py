"""Seckill with Redis configured but unreachable, before a purchase or in the middle of one: the
shopper is never answered 500, the database decides alone and never oversells, and once Redis is
back the gate comes into line with the database (the first request it lets through drops a unit
the database sold meanwhile; the reconcile sweep settles the rest once nothing is in flight)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.core.errors import DomainError
from fenxiao.orders.models import Order
from fenxiao.orders.pricing_hooks import discount_providers
from fenxiao.promotions.models import SeckillPurchase
from fenxiao.promotions.seckill import gate as seckill_gate
from fenxiao.promotions.seckill.activities import RECONCILE_GRACE, SeckillConflict, held_units, sweep_seckill_gates
from fenxiao.promotions.seckill.purchases import seckill_buy
from tests.catalog_factories import SkuFactory
from tests.concurrency import run_together
from tests.promotions.seckill.support import TEST_REDIS_URL, gate_held, make_activity, redis_gate, remaining, shopper
from tests.support import Api

__all__ = ["redis_gate"]  # fixture
pytestmark = pytest.mark.django_db
UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens there


def seeded_activity(commit, sku, **fields):
    with commit():
        return make_activity(sku, **fields)


def token_api(user) -> Api:
    return Api(token_pair_issue(user_id=user.pk, scope="user").access)


def post(activity, user):
    address_id = user.addresses.get(is_default=True).id
    return token_api(user).post(f"/api/v1/seckill/{activity.pk}/orders", {"address_id": address_id})


def in_flight(activity) -> int:
    return seckill_gate.redis_client().zcard(seckill_gate.flight_key(activity.pk))


def test_a_purchase_while_redis_is_unreachable_is_made_by_the_database(redis_gate, sku, commit, settings):
    activity = seeded_activity(commit, sku, stock=3)
    buyer = shopper("a")
    settings.REDIS_URL = UNREACHABLE

    with commit():
        response = post(activity, buyer)

    assert response.status_code == 201, response.json()
    assert response.json()["payable_fen"] == 990 + response.json()["shipping_fen"]
    settings.REDIS_URL = TEST_REDIS_URL
    assert remaining(activity) == (2, 3)  # the gate missed the sale
    assert sweep_seckill_gates(now=timezone.now()) == 1
    assert remaining(activity) == (2, 2) and gate_held(activity.pk) == held_units(activity_id=activity.pk)


def test_the_database_alone_never_sells_more_than_the_stock(redis_gate, sku, commit, settings):
    activity = seeded_activity(commit, sku, stock=1)
    settings.REDIS_URL = UNREACHABLE

    first, second = post(activity, shopper("a")), post(activity, shopper("b"))

    assert first.status_code == 201
    assert (second.status_code, second.json()["code"]) == (409, "SECKILL_SOLD_OUT")
    activity.refresh_from_db()
    assert activity.sold == 1 and SeckillPurchase.objects.count() == 1


def test_the_gate_drops_a_unit_the_database_sold_while_redis_was_unreachable(
    redis_gate, sku, commit, settings, django_assert_num_queries
):
    activity = seeded_activity(commit, sku, stock=1)
    settings.REDIS_URL = UNREACHABLE
    assert post(activity, shopper("a")).status_code == 201
    settings.REDIS_URL = TEST_REDIS_URL
    assert remaining(activity) == (0, 1)
    late, later = shopper("b"), shopper("c")
    later_api, later_address = token_api(later), later.addresses.get(is_default=True).id

    refused = post(activity, late)  # the gate lets it through; the database has nothing left

    assert (refused.status_code, refused.json()["code"]) == (409, "SECKILL_SOLD_OUT")
    assert remaining(activity) == (0, 0)  # the unit only the gate still counted is gone
    assert late.pk not in gate_held(activity.pk)  # the shopper's place came back
    with django_assert_num_queries(0):
        response = later_api.post(
            f"/api/v1/seckill/{activity.pk}/orders", {"address_id": later_address}
        )  # the crowd is turned away by Redis alone again
    assert (response.status_code, response.json()["code"]) == (409, "SECKILL_SOLD_OUT")


class RedisGoesAway:
    """A pricing provider (the hook every order is priced through) during which Redis becomes
    unreachable: after the gate let the purchase in, before the purchase ends there. With
    ``refuse`` the order is then refused, as a coupon provider refuses an unknown coupon."""

    kind = "test_redis_goes_away"

    def __init__(self, settings, *, refuse: bool) -> None:
        self.settings = settings
        self.refuse = refuse

    def discounts(self, ctx):
        self.settings.REDIS_URL = UNREACHABLE
        if self.refuse:
            raise DomainError("TEST_REFUSED", "测试拒绝")
        return []

    def commit(self, ctx, discounts, order) -> None:
        pass


@pytest.fixture
def redis_goes_away(settings):
    def plug(*, refuse: bool) -> None:
        discount_providers.register(RedisGoesAway.kind, RedisGoesAway(settings, refuse=refuse))

    yield plug
    discount_providers.unregister(RedisGoesAway.kind)


def test_redis_failing_in_the_middle_of_a_purchase_still_sells_and_the_sweep_settles_the_gate(
    redis_gate, sku, commit, settings, redis_goes_away
):
    activity = seeded_activity(commit, sku, stock=3)
    redis_goes_away(refuse=False)

    with commit():
        response = post(activity, shopper("a"))

    assert response.status_code == 201, response.json()
    settings.REDIS_URL = TEST_REDIS_URL
    assert remaining(activity) == (2, 2) and in_flight(activity) == 1  # the end never reached the gate
    with time_machine.travel(timezone.now() + RECONCILE_GRACE + timedelta(seconds=1), tick=False):
        sweep_seckill_gates(now=timezone.now())
    assert remaining(activity) == (2, 2) and in_flight(activity) == 0


def test_a_refusal_whose_give_back_is_lost_in_the_outage_is_repaired_by_the_sweep(
    redis_gate, sku, commit, settings, redis_goes_away
):
    activity = seeded_activity(commit, sku, stock=3)
    redis_goes_away(refuse=True)

    response = post(activity, shopper("a"))

    assert (response.status_code, response.json()["code"]) == (400, "TEST_REFUSED")
    settings.REDIS_URL = TEST_REDIS_URL
    assert remaining(activity) == (3, 2)  # the unit never came back to the gate
    assert sweep_seckill_gates(now=timezone.now()) == 0  # not while the purchase may still be running
    with time_machine.travel(timezone.now() + RECONCILE_GRACE + timedelta(seconds=1), tick=False):
        assert sweep_seckill_gates(now=timezone.now()) == 1
    assert remaining(activity) == (3, 3) and gate_held(activity.pk) == {}


def test_the_report_reads_the_database_while_redis_is_unreachable(redis_gate, sku, commit, settings, staff_api):
    activity = seeded_activity(commit, sku, stock=3)
    settings.REDIS_URL = UNREACHABLE

    response = staff_api.get(f"/api/v1/admin/seckill-activities/{activity.pk}/report")

    assert response.status_code == 200, response.json()
    assert (response.json()["remaining"], response.json()["redis_remaining"]) == (3, None)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_crowd_that_loses_redis_halfway_sells_exactly_the_stock_and_the_gate_comes_back_in_line(redis_gate, settings):
    sku = SkuFactory(price_fen=10_000, stock=1_000)
    activity = make_activity(sku, stock=10, per_user_limit=1)  # outside a transaction: seeded at once
    users = [shopper(f"r{i}") for i in range(40)]
    addresses = {u.id: u.addresses.get(is_default=True).id for u in users}
    who = users + users[:10]  # the first 10 shoppers try twice at the same moment

    def attempt(i: int):
        if i == 20:
            settings.REDIS_URL = UNREACHABLE  # Redis goes away while the crowd is on it
        user = who[i]
        return seckill_buy(user=user, activity_id=activity.pk, address_id=addresses[user.id])

    results = run_together(attempt, n=50)

    unexpected = [r for r in results if not isinstance(r, Order | SeckillConflict)]
    assert not unexpected, unexpected[:3]
    assert sum(isinstance(r, Order) for r in results) == 10
    assert max(held_units(activity_id=activity.pk).values()) == 1
    settings.REDIS_URL = TEST_REDIS_URL
    with time_machine.travel(timezone.now() + RECONCILE_GRACE + timedelta(seconds=1), tick=False):
        sweep_seckill_gates(now=timezone.now())
    assert remaining(activity) == (0, 0) and gate_held(activity.pk) == held_units(activity_id=activity.pk)
