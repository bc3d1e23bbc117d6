"""Unpaid orders hold stock for the payment window, so one shopper must not be able to hold a SKU's
whole stock: at most ``ORDER_MAX_UNPAID_ORDERS`` unpaid orders each, and at most
``ORDER_MAX_UNITS_PER_SKU`` units of one SKU in one order. Every path that places an order obeys
both: plain orders, cart checkout, seckill and group-buy, over the API and on the H5 pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fenxiao.core.errors import DomainError
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.orders.services import order_cancel
from fenxiao.promotions.models import GroupBuyActivity, GroupBuyGroup, SeckillActivity
from tests.catalog_factories import SkuFactory, stock_of
from tests.concurrency import run_together
from tests.order_support import address_for, mark_paid, place_order
from tests.promotions.group_buy import support as gb
from tests.promotions.seckill import support as sk
from tests.promotions.seckill.support import gate  # noqa: F401  (fixture)
from tests.support import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def caps(settings):
    settings.ORDER_MAX_UNPAID_ORDERS = 2
    settings.ORDER_MAX_UNITS_PER_SKU = 3
    return settings


@pytest.fixture
def dear_sku(db):
    """Dearer than the group-buy support's ¥59.00 group price."""
    return SkuFactory(price_fen=9_900, stock=100)


def _hold_the_limit(user, sku) -> list[Order]:
    return [place_order(user, (sku.id, 1)) for _ in range(2)]


def _assert_unpaid_limit(response) -> None:
    body = assert_error(response, 409, "ORDER_UNPAID_LIMIT")
    assert body["message"] == "您有 2 笔待付款订单，请先完成支付或取消后再下单（最多 2 笔）"


def test_the_defaults_are_five_unpaid_orders_and_99_units(settings):
    assert (settings.ORDER_MAX_UNPAID_ORDERS, settings.ORDER_MAX_UNITS_PER_SKU) == (5, 99)


def test_a_plain_order_beyond_the_unpaid_cap_is_refused_and_holds_nothing(caps, buyer, buyer_api, sku):
    held = _hold_the_limit(buyer, sku)
    sku.refresh_from_db()
    stock_before = stock_of(sku)

    body = {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": buyer.addresses.get().id}

    response = buyer_api.post("/api/v1/orders", body)

    _assert_unpaid_limit(response)
    sku.refresh_from_db()
    assert stock_of(sku) == stock_before and Order.objects.filter(buyer=buyer).count() == len(held)


def test_paying_or_cancelling_one_makes_room_again(caps, buyer, sku):
    first, second = _hold_the_limit(buyer, sku)
    with pytest.raises(DomainError):
        place_order(buyer, (sku.id, 1))

    order_cancel(order_id=first.id, by=buyer)
    third = place_order(buyer, (sku.id, 1))
    mark_paid(second)
    fourth = place_order(buyer, (sku.id, 1))

    assert third.status == fourth.status == OrderStatus.PENDING_PAYMENT


def test_other_shoppers_are_not_affected(caps, buyer, other_user, other_api, sku):
    _hold_the_limit(buyer, sku)
    body = {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": other_user.addresses.get().id}

    response = other_api.post("/api/v1/orders", body)

    assert response.status_code == 201, response.json()


def test_a_retried_submit_of_a_placed_order_is_answered_not_refused(caps, buyer, buyer_api, sku):
    place_order(buyer, (sku.id, 1))
    body = {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": buyer.addresses.get().id}
    headers = {"Idempotency-Key": "k-1", "Authorization": f"Bearer {buyer_api.token}"}
    first = buyer_api.client.post("/api/v1/orders", body, content_type="application/json", headers=headers)
    assert first.status_code == 201, first.json()

    again = buyer_api.client.post("/api/v1/orders", body, content_type="application/json", headers=headers)

    assert again.status_code in (200, 201) and again.json()["id"] == first.json()["id"]


def test_cart_checkout_beyond_the_unpaid_cap_is_refused_and_keeps_the_cart(caps, buyer, buyer_api, sku, sku2):
    _hold_the_limit(buyer, sku)
    assert buyer_api.post("/api/v1/cart/items", {"sku_id": sku2.id, "quantity": 1}).status_code == 201

    response = buyer_api.post(
        "/api/v1/orders",
        {"lines": [{"sku_id": sku2.id, "quantity": 1}], "address_id": buyer.addresses.get().id, "from_cart": True},
    )

    _assert_unpaid_limit(response)
    assert buyer.cart_items.filter(sku_id=sku2.id).count() == 1


@pytest.mark.usefixtures("gate")
def test_a_seckill_beyond_the_unpaid_cap_is_refused_and_takes_no_unit(caps, buyer, buyer_api, sku, sku2):
    _hold_the_limit(buyer, sku2)
    activity = sk.make_activity(sku)

    response = buyer_api.post(f"/api/v1/seckill/{activity.pk}/orders", {"address_id": buyer.addresses.get().id})

    _assert_unpaid_limit(response)
    assert sk.remaining(activity)[0] == 10
    assert SeckillActivity.objects.get(pk=activity.pk).sold == 0


def test_opening_or_joining_a_group_beyond_the_unpaid_cap_is_refused(caps, buyer, buyer_api, dear_sku, sku2, commit):
    activity = gb.make_activity(dear_sku, group_size=3)
    leader = gb.shopper("leader")
    with commit():
        mark_paid(gb.open_group(leader, activity).order)
    group = GroupBuyGroup.objects.get()
    _hold_the_limit(buyer, sku2)

    opened = buyer_api.post(f"/api/v1/group-buy/{activity.pk}/groups", {"quantity": 1})
    joined = buyer_api.post(f"/api/v1/group-buy/groups/{group.pk}/members", {"quantity": 1})

    _assert_unpaid_limit(opened)
    _assert_unpaid_limit(joined)
    group.refresh_from_db()
    assert group.seats_taken == 1 and GroupBuyActivity.objects.get(pk=activity.pk).groups_opened == 1


@pytest.mark.parametrize("path", ["/api/v1/checkout/quote", "/api/v1/orders"])
def test_more_units_of_one_sku_than_the_cap_are_refused(caps, buyer, buyer_api, sku, path):
    # 2 + 2 units of the same SKU on two lines: merged, that is 4 > 3
    lines = [{"sku_id": sku.id, "quantity": 2}, {"sku_id": sku.id, "quantity": 2}]

    response = buyer_api.post(path, {"lines": lines, "address_id": buyer.addresses.get().id})

    body = assert_error(response, 400, "QUANTITY_TOO_LARGE")
    assert body["message"] == "单个商品每单最多购买 3 件"
    assert not Order.objects.exists()
    exact = buyer_api.post(path, {"lines": [{"sku_id": sku.id, "quantity": 3}], "address_id": buyer.addresses.get().id})
    assert exact.status_code in (200, 201), exact.json()


def test_a_group_buy_order_obeys_the_units_cap_too(caps, buyer_api, dear_sku):
    activity = gb.make_activity(dear_sku, max_quantity=5)

    response = buyer_api.post(f"/api/v1/group-buy/{activity.pk}/groups", {"quantity": 4})

    assert_error(response, 400, "QUANTITY_TOO_LARGE")
    assert GroupBuyActivity.objects.get(pk=activity.pk).groups_opened == 0


def test_the_cart_line_limit_is_the_units_cap(caps, buyer_api, sku):
    response = buyer_api.post("/api/v1/cart/items", {"sku_id": sku.id, "quantity": 4})

    body = assert_error(response, 400, "QUANTITY_TOO_LARGE")
    assert "最多购买 3 件" in body["message"]


def test_the_h5_checkout_shows_the_refusal_in_chinese(caps, buyer, sku):
    _hold_the_limit(buyer, sku)
    browser = Client()
    browser.force_login(buyer)
    page = browser.get("/checkout/", {"lines": f"{sku.id}:1"}).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)

    response = browser.post(
        "/checkout/submit/",
        {"lines": f"{sku.id}:1", "idempotency_key": key, "address_id": buyer.addresses.get().id},
        HTTP_REFERER=f"/checkout/?lines={sku.id}:1",
        follow=True,
    )

    assert "您有 2 笔待付款订单，请先完成支付或取消后再下单" in response.content.decode()
    assert Order.objects.filter(buyer=buyer).count() == 2


def test_the_h5_seckill_shows_the_refusal_in_chinese(caps, buyer, sku, sku2):
    _hold_the_limit(buyer, sku2)
    activity = sk.make_activity(sku)
    browser = Client()
    browser.force_login(buyer)

    response = browser.post(f"/seckill/{activity.pk}/buy/", HTTP_REFERER="/seckill/", follow=True)

    assert "您有 2 笔待付款订单" in response.content.decode()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_placements_by_one_shopper_never_pass_the_cap(settings):
    settings.ORDER_MAX_UNPAID_ORDERS = 3
    sku = SkuFactory(stock=1000)
    from fenxiao.accounts.models import User

    user = User.objects.create(username="wx_racer", openid="sandbox-racer")
    address_for(user)

    results = run_together(lambda i: place_order(user, (sku.id, 1)), 10)

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(placed) == 3 and len(refused) == 7
    assert {r.code for r in refused} == {"ORDER_UNPAID_LIMIT"}
    assert Order.objects.filter(buyer=user, status=OrderStatus.PENDING_PAYMENT).count() == 3
