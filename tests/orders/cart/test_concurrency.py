"""Real threads against PostgreSQL: taps on "加入购物车" that land at the same instant."""

from __future__ import annotations

from collections import Counter

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.orders.models import CartItem
from tests.catalog_factories import SkuFactory
from tests.concurrency import run_together_ok
from tests.support import Api

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 10
ITEMS = "/api/v1/cart/items"


@pytest.fixture
def shopper_token() -> tuple[User, str]:
    user = User.objects.create(username="wx_sandbox-racer", openid="sandbox-racer", nickname="抢购")
    return user, token_pair_issue(user_id=user.id, scope="user").access


def test_simultaneous_adds_of_one_sku_end_in_one_line_with_the_sum(shopper_token):
    user, token = shopper_token
    sku = SkuFactory(stock=100)

    statuses = run_together_ok(lambda i: Api(token).post(ITEMS, {"sku_id": sku.id, "quantity": i + 1}).status_code)

    assert statuses == [201] * THREADS
    assert list(CartItem.objects.filter(user=user).values_list("sku_id", "quantity")) == [
        (sku.id, sum(range(1, THREADS + 1)))
    ]


def test_simultaneous_adds_never_pass_the_stock(shopper_token):
    user, token = shopper_token
    sku = SkuFactory(stock=4)

    statuses = run_together_ok(lambda i: Api(token).post(ITEMS, {"sku_id": sku.id, "quantity": 1}).status_code)

    assert Counter(statuses) == {201: 4, 409: THREADS - 4}
    assert CartItem.objects.get(user=user, sku=sku).quantity == 4
