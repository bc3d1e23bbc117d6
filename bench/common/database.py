"""The bench's own PostgreSQL database: created (or dropped and created) on the local machine only,
migrated through the ``fenxiao`` command, and Django set up in the bench process for seeding and
checking, never while the server is measured."""

from __future__ import annotations

import os
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

from common.base import ROOT, BenchError, venv_tool

LOCAL_DB_HOSTS = {"", "127.0.0.1", "localhost", "::1"}


def ensure_database(url: str, reset: bool) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"--database-url must be a PostgreSQL URL, got {url!r}")
    if (parts.hostname or "") not in LOCAL_DB_HOSTS:
        raise BenchError(f"refusing a non-local database host {parts.hostname!r}: the bench creates/drops databases")
    dbname = parts.path.lstrip("/")
    if not dbname or dbname in {"postgres", "template0", "template1"}:
        raise BenchError(f"--database-url needs a dedicated database name, got {dbname!r}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
            if exists and reset:
                if "bench" not in dbname:
                    raise BenchError(f"--reset-db only drops databases whose name contains 'bench', not {dbname!r}")
                print(f"  dropping database {dbname}")
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname)))
                exists = None
            if not exists:
                print(f"  creating database {dbname}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    except psycopg.OperationalError as exc:
        raise BenchError(f"cannot reach PostgreSQL at {admin_url}: {exc}".strip()) from exc
    return dbname


def run_fenxiao(env: dict[str, str], *command: str, timeout: int = 900) -> None:
    cmd = [venv_tool("fenxiao"), *command]
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def setup_django(env: dict[str, str]) -> None:
    """Django in this process only for seeding and for listing the ids to request, before any load."""
    os.environ.update(env)
    if "REDIS_URL" not in env:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def wait_quiet(timeout: float = 20.0) -> None:
    """Wait until the server has finished what the loader left behind: a loader that stops hangs up
    on requests already in gunicorn's backlog, and those orders are still placed. No bench
    connection may be busy and the order count must hold still, so segment boundaries are exact."""
    from django.db import connection

    from fenxiao.orders.models import Order

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            busy = cursor.fetchone()[0]
        now = (busy, Order.objects.count())
        if busy == 0 and now == last:
            return
        last = now
        time.sleep(0.3)
    raise BenchError(f"the server did not go quiet within {timeout:.0f}s after the load stopped")
