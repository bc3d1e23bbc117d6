from __future__ import annotations

import pytest
from django.test import Client

from tests.catalog_factories import SkuFactory
from tests.factories import UserFactory
from tests.order_support import address_for


@pytest.fixture
def shopper(db):
    user = UserFactory(nickname="小艾同学")
    address_for(user)
    return user


@pytest.fixture
def browser(shopper) -> Client:
    """A phone with ``shopper`` signed in (Django session, as after the sandbox picker)."""
    client = Client()
    client.force_login(shopper)
    return client


@pytest.fixture
def sku(db):
    return SkuFactory(price_fen=12_000, stock=50, product__title="山茶花精华")
