"""Payment events handled at the same moment — one buyer's orders on different days, several
buyers on one day, and the same order delivered twice — leave the rollups exactly as a rebuild
from the source says (PostgreSQL: real threads, real row locks)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fenxiao.analytics.models import BuyerProfile, SalesDay
from fenxiao.analytics.rollups import handlers
from fenxiao.analytics.rollups.facts import order_fact_refresh
from fenxiao.analytics.rollups.rebuild import rollups_rebuild
from fenxiao.core import extensions
from tests.catalog_factories import SkuFactory
from tests.concurrency import run_together_ok
from tests.distribution.support import make_user
from tests.order_support import mark_paid, place_order

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
BEIJING = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 1, 12, 0, tzinfo=BEIJING)


def test_concurrent_payment_events_keep_the_rollups_exact():
    extensions.unsubscribe("order_paid", handlers.on_order_paid)  # paid now, handled below at once
    try:
        sku = SkuFactory(price_fen=2_000, stock=1_000, weight_g=100)
        loyal = make_user("cc_loyal")
        others = [make_user(f"cc_{i}") for i in range(4)]
        orders = []
        for day in (3, 0, 5, 1):  # one buyer, four days, paid out of order
            with time_machine.travel(START + timedelta(days=day), tick=False):
                orders.append(mark_paid(place_order(loyal, (sku.id, 1))))
        for minute, user in enumerate(others):  # four buyers on one day
            with time_machine.travel(START + timedelta(days=5, minutes=minute), tick=False):
                orders.append(mark_paid(place_order(user, (sku.id, 2))))
    finally:
        extensions.subscribe("order_paid", handlers.on_order_paid)

    ids = [o.id for o in orders] + [orders[0].id, orders[4].id]  # two delivered twice
    run_together_ok(lambda i: order_fact_refresh(order_id=ids[i]), n=len(ids))

    checks = rollups_rebuild(first=START.date(), last=START.date() + timedelta(days=5), repair=False)
    assert [c for c in checks if not c.equal] == []
    assert SalesDay.objects.get(day=(START + timedelta(days=5)).date()).buyers == 5
    assert BuyerProfile.objects.get(pk=loyal.id).first_day == START.date()
