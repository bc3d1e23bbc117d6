"""On PostgreSQL the app lets psycopg prepare the statements it repeats (core/env.py explains the
cost it saves); behind an old transaction-mode pooler an operator must be able to turn that off."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from fenxiao.catalog.models import Sku


def _database_options(**env: str) -> dict:
    """The DATABASES options a fresh process derives from this environment."""
    code = "import json, fenxiao.settings as s; print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DB_POOL_MAX_SIZE": "", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgresql_connections_prepare_repeated_statements_unless_turned_off():
    url = "postgres://postgres@127.0.0.1:5432/fenxiao"
    named = {"application_name": "fenxiao"}  # pg_stat_activity tells the app's connections apart
    assert _database_options(DATABASE_URL=url) == {"server_side_binding": True, "prepare_threshold": 5, **named}
    assert _database_options(DATABASE_URL=url, DB_PREPARED_STATEMENTS="false") == named


def test_sqlite_options_are_left_alone():
    options = _database_options(DATABASE_URL="sqlite:////tmp/fenxiao-options-check.sqlite3")
    assert "prepare_threshold" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_statement_run_five_times_is_planned_once():
    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%catalog_sku%%'")
            return cursor.fetchone()[0]

    before = prepared()
    for sku_id in range(1, 7):
        list(Sku.objects.filter(pk=sku_id).values_list("price_fen", flat=True))

    assert prepared() == before + 1
