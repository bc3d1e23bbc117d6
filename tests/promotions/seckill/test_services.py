"""Buying and giving back seckill units, on the database alone and behind the Redis gate: the
price, the quota, the per-user limit, the window, and the Redis stock matching the database."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import DomainError
from fenxiao.core.extensions import deliver
from fenxiao.orders.errors import OrderError
from fenxiao.orders.models import Order
from fenxiao.orders.services import order_cancel
from fenxiao.promotions.models import SeckillPurchase, SeckillPurchaseStatus
from fenxiao.promotions.seckill.activities import (
    SeckillConflict,
    SeckillError,
    seckill_activity_pause,
    seckill_activity_update,
)
from fenxiao.promotions.seckill.gate import gate_remaining
from fenxiao.promotions.seckill.pricing import seckill_grant
from fenxiao.promotions.seckill.purchases import seckill_buy, seckill_return_for_order
from tests.catalog_factories import stock_of
from tests.order_support import place_order
from tests.promotions.seckill.support import (
    TEST_REDIS_URL,
    gate,
    make_activity,
    minutes,
    now,
    redis_gate,
    remaining,
    shopper,
)

__all__ = ["gate", "redis_gate"]  # fixtures
pytestmark = pytest.mark.django_db


def buy(user, activity, **kwargs):
    return seckill_buy(user=user, activity_id=activity.pk, address_id=user.addresses.get(is_default=True).id, **kwargs)


def test_a_seckill_order_is_priced_at_the_seckill_price_and_marks_its_line(gate, sku):
    activity = make_activity(sku, seckill_price_fen=990, payment_minutes=5)
    user = shopper("a")

    order = buy(user, activity)

    line = order.placed.lines[0]
    assert (line.unit_price_fen, line.discount_fen, line.paid_fen) == (10_000, 9_010, 990)
    assert order.payable_fen == 990 + order.shipping_fen
    [adj] = order.adjustments
    assert adj["kind"] == "seckill" and adj["amount_fen"] == 9_010
    assert adj["data"]["line_indexes"] == [0] and adj["data"]["activity_id"] == activity.pk
    assert order.payment_deadline <= now() + minutes(5)
    purchase = SeckillPurchase.objects.get(order=order)
    assert (purchase.user_id, purchase.status) == (user.id, SeckillPurchaseStatus.PLACED)
    assert stock_of(sku) == 999  # the regular stock is held too
    assert remaining(activity) == (9, 9 if gate == "redis" else None)


def test_a_shopper_cannot_buy_past_the_limit(gate, sku):
    activity = make_activity(sku, per_user_limit=2)
    user = shopper("a")
    buy(user, activity)
    buy(user, activity)

    with pytest.raises(SeckillConflict) as exc:
        buy(user, activity)

    assert exc.value.code == "SECKILL_LIMIT_REACHED"
    assert SeckillPurchase.objects.filter(activity=activity, user=user).count() == 2
    assert remaining(activity) == (8, 8 if gate == "redis" else None)


def test_the_quota_never_oversells(gate, sku):
    activity = make_activity(sku, stock=2)
    buy(shopper("a"), activity)
    buy(shopper("b"), activity)

    with pytest.raises(SeckillConflict) as exc:
        buy(shopper("c"), activity)

    assert exc.value.code == "SECKILL_SOLD_OUT"
    assert remaining(activity) == (0, 0 if gate == "redis" else None)


@pytest.mark.parametrize(
    ("shift", "code"),
    [(minutes(-2), "SECKILL_NOT_STARTED"), (minutes(61), "SECKILL_ENDED")],
)
def test_nothing_is_sold_outside_the_window(gate, sku, shift, code):
    activity = make_activity(sku)

    with pytest.raises(SeckillConflict) as exc:
        buy(shopper("a"), activity, now=now() + shift)

    assert exc.value.code == code
    assert remaining(activity)[0] == 10


def test_a_paused_activity_sells_nothing(gate, sku):
    activity = make_activity(sku)
    seckill_activity_pause(activity_id=activity.pk)

    with pytest.raises(SeckillConflict) as exc:
        buy(shopper("a"), activity)

    assert exc.value.code == "SECKILL_PAUSED"


def test_a_cancelled_unpaid_order_gives_its_unit_back_exactly_once(gate, sku, commit):
    activity = make_activity(sku, stock=1)
    user = shopper("a")
    order = buy(user, activity)

    with commit():
        order_cancel(order_id=order.id, by=user, reason="不想要了")
    deliver("order_cancelled", order_id=order.id)  # a replayed event

    assert seckill_return_for_order(order_id=order.id) is False
    assert SeckillPurchase.objects.get(order=order).status == SeckillPurchaseStatus.RETURNED
    assert remaining(activity) == (1, 1 if gate == "redis" else None)
    again = buy(user, activity)  # the unit and the shopper's place under the limit are back
    assert again.payable_fen == 990 + again.shipping_fen
    assert remaining(activity) == (0, 0 if gate == "redis" else None)


def test_a_failed_order_write_takes_nothing(gate, sku):
    activity = make_activity(sku)
    user = shopper("a")

    with pytest.raises(OrderError) as exc:
        seckill_buy(user=user, activity_id=activity.pk, address_id=None)

    assert exc.value.code == "ADDRESS_REQUIRED"
    assert not SeckillPurchase.objects.exists()
    assert remaining(activity) == (10, 10 if gate == "redis" else None)
    buy(user, activity)  # the shopper's place under the limit was given back too


def test_a_sku_out_of_regular_stock_gives_the_seckill_unit_back(gate):
    from tests.catalog_factories import SkuFactory

    sku = SkuFactory(price_fen=10_000, stock=0)
    activity = make_activity(sku)

    with pytest.raises(DomainError) as exc:
        buy(shopper("a"), activity)

    assert "STOCK" in exc.value.code
    assert remaining(activity) == (10, 10 if gate == "redis" else None)


@pytest.mark.parametrize("token", [None, "guessed-token"])
def test_the_seckill_price_is_refused_outside_the_seckill_endpoint(gate, sku, token):
    activity = make_activity(sku)
    forged = {"seckill_id": activity.pk} | ({"seckill_token": token} if token else {})

    with pytest.raises(SeckillError) as exc:
        place_order(shopper("a"), (sku.id, 1), options=forged)

    assert exc.value.code == "SECKILL_NOT_ALLOWED"
    assert remaining(activity)[0] == 10


def test_a_grant_prices_only_its_own_shopper_activity_and_token(sku):
    activity = make_activity(sku)
    other = make_activity(sku)
    a, b = shopper("a"), shopper("b")
    a_address = a.addresses.get(is_default=True)

    with seckill_grant(activity=activity, user_id=a.pk) as token:
        attempts = [
            (b, {"seckill_id": activity.pk, "seckill_token": token}),  # someone else's grant
            (a, {"seckill_id": other.pk, "seckill_token": token}),  # another activity
            (a, {"seckill_id": activity.pk, "seckill_token": token + "x"}),  # a guessed token
        ]
        for user, options in attempts:
            with pytest.raises(SeckillError) as exc:
                place_order(user, (sku.id, 1), options=options)
            assert exc.value.code == "SECKILL_NOT_ALLOWED"
        with pytest.raises(SeckillError):  # the price is for one unit
            place_order(a, (sku.id, 2), address=a_address, options={"seckill_id": activity.pk, "seckill_token": token})
    # Outside the block the token is worth nothing, even to its shopper.
    with pytest.raises(SeckillError):
        place_order(a, (sku.id, 1), options={"seckill_id": activity.pk, "seckill_token": token})
    assert not SeckillPurchase.objects.exists()


def test_the_seckill_payment_window_is_written_with_the_order(gate, sku):
    activity = make_activity(sku, payment_minutes=5)
    at = now()

    order = buy(shopper("a"), activity, now=at)

    assert Order.objects.get(pk=order.pk).payment_deadline == at + minutes(5) == order.payment_deadline


def test_the_redis_gate_is_seeded_from_the_database(redis_gate, sku, settings):
    activity = make_activity(sku, stock=5, per_user_limit=1)
    user = shopper("a")
    settings.REDIS_URL = ""
    buy(user, activity)  # sold before Redis was there
    settings.REDIS_URL = TEST_REDIS_URL

    with pytest.raises(SeckillConflict) as exc:
        buy(user, activity)

    assert exc.value.code == "SECKILL_LIMIT_REACHED"  # turned away by the gate's seeded count
    assert gate_remaining(activity.pk) == 4
    buy(shopper("b"), activity)
    assert remaining(activity) == (3, 3)


def test_changing_the_quota_moves_the_redis_stock(redis_gate, sku, commit):
    activity = make_activity(sku, stock=5)
    buy(shopper("a"), activity)

    with commit():
        seckill_activity_update(activity_id=activity.pk, fields={"stock": 8})

    assert remaining(activity) == (7, 7)
    with pytest.raises(SeckillError) as exc:
        seckill_activity_update(activity_id=activity.pk, fields={"stock": 0})
    assert exc.value.code == "SECKILL_INVALID"
