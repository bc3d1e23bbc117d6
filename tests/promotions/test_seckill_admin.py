"""The seckill console: activities and purchases are listed and opened, nothing is saved through a
form (sold and the Redis stock move together only through the services), pausing is an action."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fenxiao.accounts.models import User
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillStatus
from fenxiao.promotions.seckill import seckill_buy
from tests.promotions.test_seckill_support import make_activity, shopper

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(db, settings) -> Client:
    settings.REDIS_URL = ""
    client = Client()
    client.force_login(User.objects.create(username="boss", is_staff=True, is_superuser=True))
    return client


def test_activities_and_purchases_are_shown_and_cannot_be_added(console, sku):
    activity = make_activity(sku, name="午夜秒杀")
    user = shopper("a")
    seckill_buy(user=user, activity_id=activity.pk, address_id=user.addresses.get(is_default=True).id)
    purchase = SeckillPurchase.objects.get()

    listed = console.get(reverse("admin:promotions_seckillactivity_changelist"))
    opened = console.get(reverse("admin:promotions_seckillactivity_change", args=[activity.pk]))
    purchases = console.get(reverse("admin:promotions_seckillpurchase_changelist"))

    assert listed.status_code == opened.status_code == purchases.status_code == 200
    assert "午夜秒杀" in listed.content.decode()
    assert (
        purchase.token
        not in console.get(reverse("admin:promotions_seckillpurchase_change", args=[purchase.pk])).content.decode()
    )
    assert console.get(reverse("admin:promotions_seckillactivity_add")).status_code == 403


def test_pausing_is_an_action(console, sku):
    activity = make_activity(sku)

    console.post(
        reverse("admin:promotions_seckillactivity_changelist"),
        {"action": "pause_selected", "_selected_action": [activity.pk]},
    )

    assert SeckillActivity.objects.get(pk=activity.pk).status == SeckillStatus.PAUSED
