"""Production configuration comes from the environment: with production variables Django's
deployment checklist reports nothing, live WeChat refuses to start without its secrets, and a
server with DEBUG off refuses the sandbox (login as anyone, free payment) unless told it is a demo."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing

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
    # Fernet.generate_key() output: encrypts distributors' real names and ID numbers at rest.
    "FENXIAO_IDENTITY_KEYS": "GmoJ9kK3mB0n1f1m8cH0cz3Yv0eM1g7bJc6w8kqvW2c=",
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


def test_live_mode_requires_identity_encryption_keys(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FENXIAO_IDENTITY_KEYS"}
    result = _fenxiao("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "FENXIAO_IDENTITY_KEYS must be set" in result.stderr


def test_an_identity_key_that_is_not_a_fernet_key_refuses_to_start(tmp_path):
    result = _fenxiao("check", env={**PRODUCTION_ENV, "FENXIAO_IDENTITY_KEYS": "not-a-key"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "FENXIAO_IDENTITY_KEYS must be Fernet keys" in result.stderr


def test_a_trusted_proxy_that_is_not_an_address_refuses_to_start(tmp_path):
    result = _fenxiao(
        "check", env={**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.0/8,nginx.internal"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "nginx.internal" in result.stderr


# What a deployment that forgot WECHAT_MODE=live looks like: DEBUG off, everything else default.
FORGOTTEN_SANDBOX = {"DEBUG": "false", "SWEEP_IN_PROCESS": "false"}


def test_check_refuses_the_sandbox_with_debug_off(tmp_path):
    result = _fenxiao("check", env=FORGOTTEN_SANDBOX, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "fenxiao.E001" in result.stderr and "WECHAT_SANDBOX_ALLOWED=true" in result.stderr


def test_migrate_refuses_before_touching_the_database(tmp_path):
    result = _fenxiao("migrate", "--noinput", env=FORGOTTEN_SANDBOX, tmp_path=tmp_path)

    assert result.returncode != 0 and "fenxiao.E001" in result.stderr
    database = tmp_path / "fenxiao.sqlite3"
    if database.exists():
        with closing(sqlite3.connect(database)) as db:
            assert db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == []


def test_the_timed_rules_and_the_ledger_check_run_without_announcing_the_demo(tmp_path):
    """The refusal guards serving shoppers; `fenxiao sweep` (a README walkthrough, cron) is not that."""
    result = _fenxiao("sweep", "--list", env=FORGOTTEN_SANDBOX, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "orders.complete" in result.stdout


def test_the_sandbox_starts_when_said_to_be_a_demo_or_in_debug(tmp_path):
    for extra in ({"WECHAT_SANDBOX_ALLOWED": "true"}, {"DEBUG": "true"}):
        result = _fenxiao("check", env={**FORGOTTEN_SANDBOX, **extra}, tmp_path=tmp_path)
        assert result.returncode == 0, (extra, result.stderr)


def test_gunicorn_refuses_to_serve_a_forgotten_sandbox(tmp_path):
    """gunicorn runs no system checks: the WSGI module refuses, the worker cannot boot, and the
    master exits instead of serving (what every node of the cluster deployment runs)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "SECRET_KEY", "SECURE", "DEBUG"))}
    command = [sys.executable, "-m", "gunicorn", "fenxiao.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "1"]
    env = {**base, **FORGOTTEN_SANDBOX, "FENXIAO_VAR_DIR": str(tmp_path)}

    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert "WECHAT_SANDBOX_ALLOWED=true" in result.stderr


def test_the_wsgi_application_loads_when_the_sandbox_is_meant(tmp_path):
    """...and what gunicorn serves is Django behind the seckill lane (the crowd's refusals never
    reach Django's request cycle; ``tests/promotions/seckill/test_lane.py``)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "SECRET_KEY", "SECURE", "DEBUG"))}
    env = {**base, **FORGOTTEN_SANDBOX, "WECHAT_SANDBOX_ALLOWED": "true", "FENXIAO_VAR_DIR": str(tmp_path)}
    probe = "import fenxiao.wsgi as w; print(type(w.application).__name__, type(w.application.app).__name__)"

    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["SeckillLane", "WSGIHandler"]
