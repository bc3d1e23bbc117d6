"""Checkout when the shared cache (Redis) fails: quotes and orders still price from the database,
and a template change made while the cache was unreachable is not hidden by it once it is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.orders.models import ShippingRule, ShippingTemplate
from fenxiao.orders.shipping.templates import SNAPSHOT_MAX_AGE_SECONDS
from tests.redis_server import redis_cache, redis_server

__all__ = ["redis_cache", "redis_server"]  # fixtures
pytestmark = pytest.mark.django_db


@pytest.fixture
def template(db):
    t = ShippingTemplate.objects.create(name="默认", is_default=True, free_over_fen=9900)
    ShippingRule.objects.create(template=t, provinces=[], first_units=1, first_fen=800, extra_units=1, extra_fen=200)
    return t


def shipping_fen(api, sku) -> int:
    response = api.post("/api/v1/checkout/quote", {"lines": [{"sku_id": sku.id, "quantity": 1}]})
    assert response.status_code == 200, response.json()
    return response.json()["shipping_fen"]


def test_quotes_price_from_the_database_while_the_cache_is_down(buyer_api, sku, template, redis_cache):
    assert shipping_fen(buyer_api, sku) == 800
    redis_cache.kill()

    assert shipping_fen(buyer_api, sku) == 800
    assert shipping_fen(buyer_api, sku) == 800


def test_a_template_change_made_while_the_cache_was_down_shows_soon_after_it_is_back(
    buyer_api, sku, template, redis_cache, django_capture_on_commit_callbacks
):
    assert shipping_fen(buyer_api, sku) == 800  # every worker now holds the snapshot of this version
    redis_cache.stop()
    rule = template.rules.get()
    rule.first_fen = 1000
    with django_capture_on_commit_callbacks(execute=True):
        rule.save()  # the version bump after commit cannot reach the cache: it is lost
    redis_cache.resume()  # back with the old version, which the old snapshot matches

    later = timezone.now() + timedelta(seconds=SNAPSHOT_MAX_AGE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert shipping_fen(buyer_api, sku) == 1000
