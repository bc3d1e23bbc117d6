from __future__ import annotations

import pytest

from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user, paid_order


@pytest.fixture
def sku(db):
    return SkuFactory(price_fen=10_000, stock=1_000, weight_g=100)


@pytest.fixture
def sku2(db):
    return SkuFactory(price_fen=3_333, stock=1_000, weight_g=100)


@pytest.fixture
def top(db):
    """A, the top of the chain."""
    return make_distributor("alice", real_name="李娜")


@pytest.fixture
def mid(top):
    """B, bound under A."""
    return make_distributor("bob", under=top, real_name="王强")


@pytest.fixture
def buyer(mid):
    """A shopper bound under B: B earns level 1, A level 2."""
    from fenxiao.distribution.network.binding import referral_bind

    user = make_user("carol")
    referral_bind(user_id=user.id, code=mid.code, source="link")
    return user


@pytest.fixture
def two_line_order(commit, buyer, sku, sku2):
    """Carol's paid order of one ``sku`` and one ``sku2``, through B and A."""
    return paid_order(commit, buyer, (sku.id, 1), (sku2.id, 1))
