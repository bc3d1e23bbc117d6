from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from tests.catalog_factories import SkuFactory
from tests.order_support import address_for
from tests.support import Api


@pytest.fixture
def buyer(db) -> User:
    user = User.objects.create(username="wx_sandbox-alice", openid="sandbox-alice", nickname="爱丽丝")
    address_for(user)
    return user


@pytest.fixture
def buyer_api(buyer) -> Api:
    return Api(token_pair_issue(user_id=buyer.id, scope="user").access)


@pytest.fixture
def other_user(db) -> User:
    user = User.objects.create(username="wx_sandbox-bob", openid="sandbox-bob", nickname="鲍勃")
    address_for(user, receiver="李四")
    return user


@pytest.fixture
def other_api(other_user) -> Api:
    return Api(token_pair_issue(user_id=other_user.id, scope="user").access)


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create(username="operator", is_staff=True, is_superuser=True)
    user.set_password("s3cret-pass-123")
    user.save()
    return user


@pytest.fixture
def staff_api(staff) -> Api:
    return Api(token_pair_issue(user_id=staff.id, scope="staff").access)


@pytest.fixture
def sku(db):
    return SkuFactory(price_fen=3990, stock=100, weight_g=250)


@pytest.fixture
def sku2(db):
    return SkuFactory(price_fen=1250, stock=100, weight_g=500)
