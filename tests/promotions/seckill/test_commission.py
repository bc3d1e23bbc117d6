"""Commission on a seckill order: the line is marked "seckill", so distribution pays on it only
when both the platform switch and the activity allow it, and then on the seckill price paid."""

from __future__ import annotations

import pytest

from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import CommissionRecord
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.promotions.seckill.purchases import seckill_buy
from tests.distribution.support import make_distributor, make_user
from tests.order_support import mark_paid
from tests.promotions.seckill.support import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred_buyer(db):
    """Carol, bound under Bob (level 1), who is under Alice (level 2)."""
    alice = make_distributor("sk-alice", real_name="李娜")
    bob = make_distributor("sk-bob", under=alice, real_name="王强")
    carol = make_user("sk-carol")
    referral_bind(user_id=carol.id, code=bob.code, source="link")
    return carol, bob


def paid_seckill_order(commit, user, activity):
    with commit():
        order = seckill_buy(user=user, activity_id=activity.pk, address_id=user.addresses.get(is_default=True).id)
    with commit():
        mark_paid(order)
    return order


def test_a_seckill_order_pays_no_commission_while_the_switch_is_off(commit, settings, sku, referred_buyer):
    settings.REDIS_URL = ""
    carol, _ = referred_buyer
    order = paid_seckill_order(commit, carol, make_activity(sku, seckill_price_fen=990))

    assert not CommissionRecord.objects.filter(order=order).exists()


def test_a_seckill_order_pays_commission_on_the_seckill_price_when_allowed(commit, settings, sku, referred_buyer):
    settings.REDIS_URL = ""
    carol, bob = referred_buyer
    settings_update(actor_id=None, changes={"activity_commission": {"seckill": True}})
    order = paid_seckill_order(commit, carol, make_activity(sku, seckill_price_fen=990, commission_allowed=True))

    level1 = CommissionRecord.objects.get(order=order, level=1)
    assert (level1.distributor_id, level1.base_fen) == (bob.id, 990)
    assert level1.amount_fen == 99  # 10% of what was actually paid, not of the list price


def test_an_activity_that_turned_commission_off_pays_none_even_with_the_platform_switch_on(
    commit, settings, sku, referred_buyer
):
    settings.REDIS_URL = ""
    carol, _ = referred_buyer
    settings_update(actor_id=None, changes={"activity_commission": {"seckill": True}})
    order = paid_seckill_order(commit, carol, make_activity(sku, seckill_price_fen=990, commission_allowed=False))

    assert not CommissionRecord.objects.filter(order=order).exists()
