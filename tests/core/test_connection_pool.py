"""``DB_POOL_MAX_SIZE`` turns on psycopg's connection pool on PostgreSQL: one per process, so a
threaded server (gunicorn gthread, granian) never opens more than that many connections whatever
its thread count. Django refuses a pool with persistent connections, so ``CONN_MAX_AGE`` becomes 0
and an explicit ``DB_CONN_MAX_AGE`` is refused; prepared statements stay on (a pooled connection
outlives the request)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from fenxiao.catalog.models import Sku
from tests.concurrency import run_together_ok

PG_URL = "postgres://postgres@127.0.0.1:5432/fenxiao"


def _database(**env: str) -> subprocess.CompletedProcess:
    """The default database settings a fresh process derives from this environment."""
    code = "import json, fenxiao.settings as s; print(json.dumps(s.DATABASES['default']))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_POOL_", "DB_CONN_MAX_AGE"))}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)


def database(**env: str) -> dict:
    result = _database(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_pool_connections_persist_for_a_minute():
    db = database(DATABASE_URL=PG_URL)
    assert db["CONN_MAX_AGE"] == 60 and "pool" not in db["OPTIONS"]


def test_a_pool_replaces_persistent_connections_and_keeps_prepared_statements():
    db = database(DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="4")

    assert db["CONN_MAX_AGE"] == 0
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}
    assert db["OPTIONS"]["server_side_binding"] is True and db["OPTIONS"]["prepare_threshold"] == 5


def test_the_pool_sizes_and_wait_can_be_chosen():
    db = database(DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="8", DB_POOL_MIN_SIZE="2", DB_POOL_TIMEOUT="3")
    assert db["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 3}


def test_a_pool_with_persistent_connections_asked_for_is_refused():
    result = _database(DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="4", DB_CONN_MAX_AGE="60")
    assert result.returncode != 0
    assert "DB_POOL_MAX_SIZE needs DB_CONN_MAX_AGE=0" in result.stderr


def test_sqlite_has_no_pool():
    db = database(DATABASE_URL="sqlite:////tmp/fenxiao-pool-check.sqlite3", DB_POOL_MAX_SIZE="4")
    assert "pool" not in db["OPTIONS"]


@contextmanager
def pooled(max_size: int) -> Iterator[None]:
    """The test database behind a pool of ``max_size`` for the block (as DB_POOL_MAX_SIZE sets it)."""
    settings_dict = connection.settings_dict
    saved = settings_dict["CONN_MAX_AGE"], settings_dict["OPTIONS"].get("pool")
    connection.close()
    connection.close_pool()
    settings_dict["CONN_MAX_AGE"] = 0
    settings_dict["OPTIONS"]["pool"] = {"min_size": 1, "max_size": max_size, "timeout": 10}
    try:
        yield
    finally:
        connection.close()
        connection.close_pool()
        settings_dict["CONN_MAX_AGE"] = saved[0]
        if saved[1] is None:
            settings_dict["OPTIONS"].pop("pool")
        else:
            settings_dict["OPTIONS"]["pool"] = saved[1]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_share_a_pool_of_two_connections_with_prepared_statements():
    def work(i: int) -> int:
        for sku_id in range(1, 7):  # prepared on its connection after the fifth run
            list(Sku.objects.filter(pk=sku_id).values_list("price_fen", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    with pooled(max_size=2):
        backends = run_together_ok(work, n=16)  # each thread hands its connection back at the end

    assert 1 <= len(set(backends)) <= 2
