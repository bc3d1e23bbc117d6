from __future__ import annotations

import pytest

from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor


@pytest.fixture
def sku(db):
    return SkuFactory(price_fen=10_000, stock=1_000, weight_g=100)


@pytest.fixture
def dave(db):
    """The distributor the ring buys through."""
    return make_distributor("dave", real_name="赵伟")
