"""Fixtures for the accounts API: a JSON client, logged-in users, live WeChat faked with respx."""

from __future__ import annotations

import pytest
import respx
from django.db import connection

from fenxiao.accounts.models import User
from fenxiao.integrations.wechat.miniprogram import factory
from tests.accounts.support import WECHAT_APPID, WECHAT_BASE, WECHAT_SECRET, Api, access_for
from tests.factories import StaffUserFactory, UserFactory


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent transactions are no-ops on SQLite")


@pytest.fixture(autouse=True)
def _fresh_wechat_client(monkeypatch):
    """The factory keeps one client per process; each test builds its own from its settings."""
    monkeypatch.setattr(factory, "_client", None)
    monkeypatch.setattr(factory, "_client_key", None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def anon() -> Api:
    return Api()


@pytest.fixture
def shopper(db) -> User:
    return UserFactory(openid="sandbox-alice", nickname="爱丽丝")


@pytest.fixture
def shopper_api(shopper) -> Api:
    return Api(access_for(shopper))


@pytest.fixture
def staff(db) -> User:
    return StaffUserFactory(username="operator")


@pytest.fixture
def live_wechat(settings):
    settings.WECHAT_MODE = "live"
    settings.WECHAT_APPID = WECHAT_APPID
    settings.WECHAT_SECRET = WECHAT_SECRET
    settings.WECHAT_API_BASE = WECHAT_BASE
    return settings


@pytest.fixture
def wechat(live_wechat):
    """Live mode with WeChat's servers faked at the HTTP transport; any unplanned call fails the test."""
    with respx.mock(base_url=WECHAT_BASE, assert_all_called=False, assert_all_mocked=True) as router:
        yield router
