from __future__ import annotations

import pytest

from fenxiao.integrations.wechat.miniprogram import factory
from tests.catalog_factories import SkuFactory
from tests.notifications.support import configure_all


@pytest.fixture(autouse=True)
def _fresh_wechat_client(monkeypatch):
    """The factory keeps one client per process; each test builds its own from its settings."""
    monkeypatch.setattr(factory, "_client", None)
    monkeypatch.setattr(factory, "_client_key", None)


@pytest.fixture
def templates(db) -> None:
    configure_all()


@pytest.fixture
def sku(db):
    return SkuFactory(price_fen=10_000, stock=1_000, weight_g=100, product__title="云南小粒咖啡豆 500g")
