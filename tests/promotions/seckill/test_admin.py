"""The seckill console: activities are created and changed through a form that calls the same
services as the API (so the Redis stock moves with the database), purchases are read only,
pausing is an action, the list shows sell-through."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillStatus
from fenxiao.promotions.seckill.purchases import seckill_buy
from tests.promotions.seckill.support import make_activity, shopper

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(db, settings) -> Client:
    settings.REDIS_URL = ""
    client = Client()
    client.force_login(User.objects.create(username="boss", is_staff=True, is_superuser=True))
    return client


def test_activities_and_purchases_are_shown_and_purchases_are_read_only(console, sku):
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
    assert "10.00%" in listed.content.decode()  # 1 of 10 sold
    assert "已售 1" in opened.content.decode()
    assert console.get(reverse("admin:promotions_seckillpurchase_add")).status_code == 403


def form(sku, **fields) -> dict:
    now = timezone.localtime()
    return {
        "name": "整点秒杀",
        "sku": str(sku.pk),
        "seckill_price_fen": "990",
        "stock": "20",
        "per_user_limit": "1",
        "starts_at_0": now.strftime("%Y-%m-%d"),
        "starts_at_1": now.strftime("%H:%M:%S"),
        "ends_at_0": (now + timedelta(hours=2)).strftime("%Y-%m-%d"),
        "ends_at_1": (now + timedelta(hours=2)).strftime("%H:%M:%S"),
        "payment_minutes": "5",
        **fields,
    }


def test_add_and_change_through_the_form(console, sku):
    res = console.post(reverse("admin:promotions_seckillactivity_add"), form(sku))
    assert res.status_code == 302, res.context["adminform"].form.errors if res.context else res
    a = SeckillActivity.objects.get()
    assert (a.name, a.seckill_price_fen, a.stock, a.sold) == ("整点秒杀", 990, 20, 0)

    res = console.post(reverse("admin:promotions_seckillactivity_change", args=[a.pk]), form(sku, stock="30"))
    assert res.status_code == 302
    assert SeckillActivity.objects.get().stock == 30


def test_the_form_shows_every_broken_rule(console, sku):
    res = console.post(
        reverse("admin:promotions_seckillactivity_add"), form(sku, seckill_price_fen="99999999", payment_minutes="0")
    )
    assert res.status_code == 200
    errors = " ".join(res.context["adminform"].form.non_field_errors())
    assert "秒杀价不能高于售价" in errors and "支付时限至少为 1 分钟" in errors
    assert not SeckillActivity.objects.exists()


def test_pausing_is_an_action(console, sku):
    activity = make_activity(sku)

    console.post(
        reverse("admin:promotions_seckillactivity_changelist"),
        {"action": "pause_selected", "_selected_action": [activity.pk]},
    )

    assert SeckillActivity.objects.get(pk=activity.pk).status == SeckillStatus.PAUSED
