"""Reading the settings out of the environment: the small parsers ``fenxiao/settings.py`` calls, so
that the settings module reads as a list of settings with their meaning. Each parser refuses a bad
value at start-up with ``ImproperlyConfigured`` naming the variable, rather than letting a typo
surface later as a strange error in a request.

Imported by the settings module, before Django is set up: nothing here may import models or read
``django.conf.settings``."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def is_true(raw: str) -> bool:
    """1/true/yes/on (any case, blanks around ignored)."""
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool) -> bool:
    """1/true/yes/on (any case) is true, anything else set is false; unset or empty is ``default``."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return is_true(raw)


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list, blanks dropped (``ALLOWED_HOSTS=a, b,`` is ``["a", "b"]``)."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """An integer; unset or empty is ``default``."""
    raw = os.environ.get(name)
    return int(raw) if raw else default


def secret_key(var_dir: Path) -> str:
    """Production must set SECRET_KEY; the embedded mall keeps a generated one under var/ so that
    sessions and tokens survive restarts without anyone committing a key."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if os.environ.get("FENXIAO_REQUIRE_SECRET_KEY") or os.environ.get("WECHAT_MODE") == "live":
        raise ImproperlyConfigured("SECRET_KEY must be set in production (WECHAT_MODE=live).")
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database(
    sqlite_path: Path, *, pool_max_size: int, url: str | None = None, application_name: str = "fenxiao"
) -> dict[str, Any]:
    """The default database: ``DATABASE_URL``, else the embedded SQLite file, tuned per engine
    (``url`` instead for another alias). On PostgreSQL the connections say who they are
    (``application_name``, unless the URL does), which ``pg_stat_activity`` shows."""
    db = dj_database_url.parse(
        url or os.environ.get("DATABASE_URL") or f"sqlite:///{sqlite_path}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the storefront read while a sweep writes; the busy timeout turns short write
        # contention into waiting instead of "database is locked".
        db["CONN_MAX_AGE"] = 0
        db.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    elif db["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
        # Django turns psycopg's prepared statements off so that transaction-mode poolers work. An
        # order runs about ten statements of the same shapes every time, and PostgreSQL re-planned
        # each of them on every call: the referral chain's nine-way join alone took 0.6 ms to plan.
        # Prepared after the fifth use on a connection, the database spends about 45 % less CPU per
        # order (bench/README.md). Behind PgBouncer in transaction mode older than 1.21, set
        # DB_PREPARED_STATEMENTS=false.
        db.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    if db["ENGINE"] == "django.db.backends.postgresql":
        db.setdefault("OPTIONS", {}).setdefault("application_name", application_name)
    if pool_max_size > 0 and db["ENGINE"] == "django.db.backends.postgresql":
        db["CONN_MAX_AGE"] = 0
        db.setdefault("OPTIONS", {})["pool"] = postgres_pool(pool_max_size)
    return db


def replica_database(*, pool_max_size: int) -> dict[str, Any] | None:
    """The streaming replica (``DATABASE_REPLICA_URL``) that lag-tolerant reads may use
    (``core/replica.py``), tuned like the default; None without it. In tests it is a mirror of the
    default database (Django creates no second test database; it reads the same one)."""
    url = os.environ.get("DATABASE_REPLICA_URL", "")
    if not url:
        return None
    db = database(Path("unused"), pool_max_size=pool_max_size, url=url, application_name="fenxiao-replica")
    db["TEST"] = {"MIRROR": "default"}
    return db


def postgres_pool(max_size: int) -> dict[str, int]:
    """psycopg's connection pool, one per process: a process never holds more than ``max_size``
    connections whatever its thread count (gunicorn gthread, granian), and a request that finds
    them all busy waits up to ``DB_POOL_TIMEOUT`` s, then gets a 503 (core/unavailable.py). Off by
    default: a sync worker serves one request at a time and keeps its one connection for
    ``DB_CONN_MAX_AGE``. A pooled connection lives on between requests, so prepared statements
    still pay off. Django refuses persistent connections with a pool: CONN_MAX_AGE becomes 0."""
    if env_int("DB_CONN_MAX_AGE", 0):
        raise ImproperlyConfigured(
            "DB_POOL_MAX_SIZE needs DB_CONN_MAX_AGE=0 (or unset): the pool keeps the connections."
        )
    min_size = min(env_int("DB_POOL_MIN_SIZE", 1), max_size)
    return {"min_size": min_size, "max_size": max_size, "timeout": env_int("DB_POOL_TIMEOUT", 10)}


def trusted_proxies() -> list[str]:
    """Reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the client; none by
    default, so the client is REMOTE_ADDR (see core/client_address.py)."""
    entries = env_list("TRUSTED_PROXIES", "")
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an IP address or network.") from exc
    return entries


def transfer_scene_report_infos() -> list[dict[str, str]]:
    """The scene's report items as JSON ``[{"info_type": ..., "info_content": ...}]``. Scene 1005
    wants 岗位类型 and 报酬说明; info_type is fixed by WeChat (≤ 15 characters), info_content ours (≤ 32)."""
    raw = os.environ.get("WECHATPAY_TRANSFER_SCENE_REPORT_INFOS", "")
    if not raw:
        return [
            {"info_type": "岗位类型", "info_content": "分销员"},
            {"info_type": "报酬说明", "info_content": "分销佣金提现"},
        ]
    try:
        items = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured("WECHATPAY_TRANSFER_SCENE_REPORT_INFOS must be a JSON list.") from exc
    if not isinstance(items, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("info_type"), str)
        and isinstance(item.get("info_content"), str)
        and 0 < len(item["info_type"]) <= 15
        and 0 < len(item["info_content"]) <= 32
        for item in items
    ):
        raise ImproperlyConfigured(
            "WECHATPAY_TRANSFER_SCENE_REPORT_INFOS must be a list of {info_type (≤15), info_content (≤32)}."
        )
    return [{"info_type": item["info_type"], "info_content": item["info_content"]} for item in items]


def identity_keys(secret: str, *, debug: bool) -> list[str]:
    """The Fernet keys that encrypt distributors' real names and ID numbers at rest
    (``FENXIAO_IDENTITY_KEYS``, comma-separated, newest first: the first encrypts, all decrypt, so
    a key is rotated by putting a new one in front and running ``identity_rotate_keys``).

    Without it, a key derived from ``SECRET_KEY`` is used only in development (DEBUG) or sandbox
    mode, the demo mall; a live server refuses to start, like it does without ``SECRET_KEY``."""
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    keys = env_list("FENXIAO_IDENTITY_KEYS", "")
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "FENXIAO_IDENTITY_KEYS must be Fernet keys (32 url-safe base64 bytes), comma-separated."
            ) from exc
    if keys:
        return keys
    sandbox = os.environ.get("WECHAT_MODE", "sandbox") == "sandbox"
    if os.environ.get("FENXIAO_REQUIRE_SECRET_KEY") or not (debug or sandbox):
        raise ImproperlyConfigured("FENXIAO_IDENTITY_KEYS must be set in production (WECHAT_MODE=live).")
    derived = hashlib.sha256(f"fenxiao-identity:{secret}".encode()).digest()
    return [base64.urlsafe_b64encode(derived).decode()]
