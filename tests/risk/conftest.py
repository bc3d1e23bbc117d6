"""People for the risk tests: a shopper, a distributor they complain about, an operator with every
permission and a clerk with none, each with an API client; a SKU and the distributor a ring of
accounts buys through."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution.models import Distributor
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user
from tests.support import Api


@pytest.fixture
def shopper(db) -> User:
    return make_user("dora")


@pytest.fixture
def shopper_api(shopper) -> Api:
    return Api(token_pair_issue(user_id=shopper.id, scope="user").access)


@pytest.fixture
def stranger_api(db) -> Api:
    return Api(token_pair_issue(user_id=make_user("eve").id, scope="user").access)


@pytest.fixture
def seller(db) -> Distributor:
    return make_distributor("frank", real_name="赵六")


@pytest.fixture
def operator(db) -> User:
    return User.objects.create(username="cs-lead", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_api(operator) -> Api:
    return Api(token_pair_issue(user_id=operator.id, scope="staff").access)


@pytest.fixture
def clerk_api(db) -> Api:
    clerk = User.objects.create(username="clerk", is_staff=True)
    return Api(token_pair_issue(user_id=clerk.id, scope="staff").access)


@pytest.fixture
def sku(db):
    return SkuFactory(price_fen=10_000, stock=1_000, weight_g=100)


@pytest.fixture
def dave(db):
    """The distributor the ring buys through."""
    return make_distributor("dave", real_name="赵伟")
