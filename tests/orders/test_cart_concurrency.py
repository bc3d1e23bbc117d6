"""Real threads against PostgreSQL: taps on "加入购物车" that land at the same instant."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.orders.models import CartItem
from tests.catalog_factories import SkuFactory
from tests.support import Api

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 10
ITEMS = "/api/v1/cart/items"


def run_together(task: Callable[[int], int], n: int = THREADS) -> list[int]:
    """Start ``n`` threads at one barrier; each returns an HTTP status. Connections are closed per thread."""
    barrier = threading.Barrier(n)
    results: list[int | BaseException] = [0] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = task(i)
        except BaseException as exc:  # surfaced by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results  # type: ignore[return-value]


@pytest.fixture
def shopper_token() -> tuple[User, str]:
    user = User.objects.create(username="wx_sandbox-racer", openid="sandbox-racer", nickname="抢购")
    return user, token_pair_issue(user_id=user.id, scope="user").access


def test_simultaneous_adds_of_one_sku_end_in_one_line_with_the_sum(shopper_token):
    user, token = shopper_token
    sku = SkuFactory(stock=100)

    statuses = run_together(lambda i: Api(token).post(ITEMS, {"sku_id": sku.id, "quantity": i + 1}).status_code)

    assert statuses == [201] * THREADS
    assert list(CartItem.objects.filter(user=user).values_list("sku_id", "quantity")) == [
        (sku.id, sum(range(1, THREADS + 1)))
    ]


def test_simultaneous_adds_never_pass_the_stock(shopper_token):
    user, token = shopper_token
    sku = SkuFactory(stock=4)

    statuses = run_together(lambda i: Api(token).post(ITEMS, {"sku_id": sku.id, "quantity": 1}).status_code)

    assert Counter(statuses) == {201: 4, 409: THREADS - 4}
    assert CartItem.objects.get(user=user, sku=sku).quantity == 4
