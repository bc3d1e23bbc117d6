"""Production configuration comes from the environment: with production variables Django's
deployment checklist reports nothing, and live WeChat refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys

PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "-production-secret-key-that-is-long-and-random-9f8e7d",
    "SECURE": "true",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "mall.example.com",
    "WECHAT_MODE": "live",
    "WECHAT_APPID": "wx0123456789abcdef",
    "WECHAT_SECRET": "secret",
    "WECHATPAY_MCHID": "1900000001",
    "WECHATPAY_SERIAL_NO": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    "WECHATPAY_PRIVATE_KEY_FILE": "/etc/fenxiao/apiclient_key.pem",
    "WECHATPAY_APIV3_KEY": "0123456789abcdef0123456789abcdef",
    "WECHATPAY_PUBLIC_KEY_FILE": "/etc/fenxiao/pub_key.pem",
    "WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_0000000000000000000000000000000001",
    "WECHATPAY_NOTIFY_URL": "https://mall.example.com/api/v1/payments/wechat/notify",
}


def test_live_wechat_pay_without_its_keys_refuses_to_start(tmp_path):
    env = {**PRODUCTION_ENV, "WECHATPAY_APIV3_KEY": ""}
    result = _fenxiao("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "WECHATPAY_APIV3_KEY" in result.stderr


def _fenxiao(*args: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "SECRET_KEY", "SECURE", "DEBUG"))}
    base["FENXIAO_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "fenxiao.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _fenxiao("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_live_wechat_without_secrets_refuses_to_start(tmp_path):
    env = {**PRODUCTION_ENV, "WECHAT_SECRET": ""}
    result = _fenxiao("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "WECHAT_APPID and WECHAT_SECRET" in result.stderr


def test_live_mode_requires_an_explicit_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _fenxiao("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_trusted_proxy_that_is_not_an_address_refuses_to_start(tmp_path):
    result = _fenxiao(
        "check", env={**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.0/8,nginx.internal"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "nginx.internal" in result.stderr
