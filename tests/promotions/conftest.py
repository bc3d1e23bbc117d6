from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from tests.catalog_factories import SkuFactory
from tests.order_support import address_for
from tests.support import Api


@pytest.fixture
def buyer(db) -> User:
    user = User.objects.create(username="wx_coupon-alice", openid="coupon-alice", nickname="爱丽丝")
    address_for(user)
    return user


@pytest.fixture
def buyer_api(buyer) -> Api:
    return Api(token_pair_issue(user_id=buyer.id, scope="user").access)


@pytest.fixture
def other_user(db) -> User:
    user = User.objects.create(username="wx_coupon-bob", openid="coupon-bob", nickname="鲍勃")
    address_for(user, receiver="李四")
    return user


@pytest.fixture
def staff_api(db) -> Api:
    staff = User.objects.create(username="operator", is_staff=True, is_superuser=True)
    return Api(token_pair_issue(user_id=staff.id, scope="staff").access)


@pytest.fixture
def sku(db):
    """¥100.00"""
    return SkuFactory(price_fen=10_000, stock=1_000, weight_g=100)


@pytest.fixture
def sku2(db):
    """¥33.33, in another category and product."""
    return SkuFactory(price_fen=3_333, stock=1_000, weight_g=100)
