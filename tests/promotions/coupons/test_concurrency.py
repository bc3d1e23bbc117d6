"""Claiming and using under real concurrent transactions (PostgreSQL): no over-issue, no user past
the limit, no coupon used by two orders."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.orders.models import Order
from fenxiao.promotions.coupons.errors import CouponConflict, CouponError
from fenxiao.promotions.models import CouponTemplate, UserCoupon
from tests.catalog_factories import SkuFactory, stock_of
from tests.concurrency import run_together
from tests.order_support import address_for, place_order
from tests.promotions.coupons.support import claim, make_template

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def shopper(n: int) -> User:
    user = User.objects.create(username=f"wx_race-{n}", openid=f"race-{n}", nickname=f"顾客{n}")
    address_for(user)
    return user


def test_fifty_shoppers_racing_for_the_last_ten_get_exactly_ten():
    template = make_template(total_quantity=12)
    early = [shopper(100), shopper(101)]
    for user in early:
        claim(user, template)
    users = [shopper(i) for i in range(50)]

    results = run_together(lambda i: claim(users[i], template), n=50)

    won = [r for r in results if isinstance(r, UserCoupon)]
    lost = [r for r in results if isinstance(r, CouponConflict)]
    assert (len(won), len(lost)) == (10, 40), [r for r in results if isinstance(r, Exception)][:3]
    assert {e.code for e in lost} == {"COUPON_SOLD_OUT"}
    template.refresh_from_db()
    assert template.claimed_count == 12 == UserCoupon.objects.filter(template=template).count()


def test_one_shopper_claiming_in_parallel_never_passes_the_limit():
    template = make_template(total_quantity=100, per_user_limit=3)
    user = shopper(1)

    results = run_together(lambda i: claim(user, template), n=10)

    assert sum(isinstance(r, UserCoupon) for r in results) == 3
    assert {r.code for r in results if isinstance(r, CouponConflict)} == {"COUPON_LIMIT_REACHED"}
    assert UserCoupon.objects.filter(template=template, user=user).count() == 3
    assert CouponTemplate.objects.get(pk=template.pk).claimed_count == 3


def test_two_orders_racing_for_one_coupon_exactly_one_is_placed():
    user = shopper(1)
    sku = SkuFactory(price_fen=10_000, stock=100)
    uc = claim(user, make_template())

    results = run_together(lambda i: place_order(user, (sku.id, 1), options={"coupon_id": uc.pk}), n=2)

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, CouponError)]
    assert (len(placed), len(refused)) == (1, 1), results
    assert refused[0].code == "COUPON_NOT_USABLE"
    assert Order.objects.filter(buyer=user).count() == 1
    uc.refresh_from_db()
    assert (uc.status, uc.used_order_id) == ("used", placed[0].pk)
    assert CouponTemplate.objects.get(pk=uc.template_id).used_count == 1
    sku.refresh_from_db()
    assert stock_of(sku) == 99  # the refused order's stock hold rolled back with it
