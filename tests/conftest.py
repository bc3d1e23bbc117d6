from __future__ import annotations

import shutil

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _isolated_cache(settings, tmp_path):
    """Each test starts with an empty cache (throttles, token caches) and its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _postgres_only(request):
    from django.db import connection

    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent transactions are no-ops on SQLite")


@pytest.fixture(scope="session")
def _sandbox_key_files(tmp_path_factory):
    """Throwaway WeChat Pay sandbox keys, made once per test session (RSA generation is slow)."""
    from fenxiao.integrations.wechat.pay_sandbox_keys import SandboxKeys

    folder = tmp_path_factory.mktemp("wechatpay-sandbox-keys")
    SandboxKeys.load_or_create(folder)
    return folder


@pytest.fixture(autouse=True)
def sandbox_dir(settings, tmp_path, _sandbox_key_files):
    """Every test runs WeChat Pay in sandbox mode with its own state folder, never under var/."""
    from fenxiao.integrations.wechat import pay_gateway as gateway_module

    folder = tmp_path / "wechatpay-sandbox"
    folder.mkdir(mode=0o700)
    for name in ("merchant.pem", "wechatpay.pem", "apiv3.key"):
        shutil.copy2(_sandbox_key_files / name, folder / name)
    settings.WECHAT_MODE = "sandbox"
    settings.WECHATPAY_SANDBOX_DIR = folder
    settings.WECHATPAY_MCHID = ""
    settings.WECHATPAY_APPID = ""
    gateway_module.reset_pay_gateway()
    yield folder
    gateway_module.reset_pay_gateway()
