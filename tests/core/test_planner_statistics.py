"""The planner's statistics kept current by the mall itself (core/planner_statistics.py): a
foreign-key check whose cached plan was made while the referenced table was nearly empty scans the
whole table on every insert until something invalidates the plan; the sweep's ANALYZE is that
something, by autovacuum's own rule, so a new shop's orders cost the same at any size."""

from __future__ import annotations

import time
import weakref

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenxiao.core.extensions import registered_sweeps
from fenxiao.core.planner_statistics import refresh_after_migrate, stale_tables, sweep_planner_statistics

PARENT = "planstat_parent"
CHILD = "planstat_child"


def _sql(statement: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _flush_table_counters() -> None:
    """This backend's table counters reach pg_stat_user_tables when it next goes idle."""
    _sql("SELECT pg_stat_force_next_flush()")
    _sql("SELECT 1")


def _parent_scans_of_one_insert(child_id: int, parent_id: int) -> tuple[int, int, int]:
    """(sequential scans, rows they read, index scans) of the parent during one child insert,
    which runs exactly one foreign-key check against it. The check stops at the row it looks for,
    so a line of the newest order (at the end of the table) is what makes a scan read everything.
    The transaction's counters include whatever this backend has not reported yet: report it first."""
    _flush_table_counters()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {CHILD} (id, parent_id) VALUES (%s, %s)", [child_id, parent_id])
        cursor.execute(
            "SELECT seq_scan, seq_tup_read, idx_scan FROM pg_stat_xact_user_tables WHERE relname = %s", [PARENT]
        )
        return tuple(cursor.fetchone())


@pytest.fixture
def parent_and_child():
    """An order-like parent and a line-like child with a foreign key, on a connection of its own
    (a new backend: no cached foreign-key plan yet), dropped afterwards."""
    connection.close()
    _sql(f"CREATE TABLE {PARENT} (id bigint PRIMARY KEY, note text NOT NULL)")
    _sql(f"CREATE TABLE {CHILD} (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES {PARENT} (id))")
    try:
        yield
    finally:
        connection.close()
        _sql(f"DROP TABLE IF EXISTS {CHILD}, {PARENT}")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_foreign_key_check_uses_the_index_once_the_sweep_analyzed_the_grown_table(parent_and_child):
    # given a new shop: five orders, analyzed as autovacuum (or a setup script) does early on,
    _sql(f"INSERT INTO {PARENT} SELECT g, 'order ' || g FROM generate_series(1, 5) g")
    _flush_table_counters()
    _sql(f"ANALYZE {PARENT}")
    # and a connection that checked the foreign key often enough to keep a generic plan
    for child_id in range(1, 11):
        _sql(f"INSERT INTO {CHILD} (id, parent_id) VALUES (%s, 1)", [child_id])
    # when the shop sells 20,000 orders and nothing analyzes the table (autovacuum off or behind)
    _sql(f"INSERT INTO {PARENT} SELECT g, 'order ' || g FROM generate_series(6, 20005) g")
    _flush_table_counters()

    # then the connection's check still reads the whole table for one row
    seq_scans, rows_read, index_scans = _parent_scans_of_one_insert(100, 20_005)
    assert (seq_scans, index_scans) == (1, 0)
    assert rows_read >= 20_000
    # and the sweep finds the table due by autovacuum's rule, and analyzes it
    assert PARENT in stale_tables()
    assert sweep_planner_statistics(now=timezone.now()) >= 1
    assert PARENT not in stale_tables()
    # after which the same connection checks the same key through the primary key's index
    seq_scans, rows_read, index_scans = _parent_scans_of_one_insert(101, 20_004)
    assert (seq_scans, rows_read, index_scans) == (0, 0, 1)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_table_that_changed_little_is_left_to_autovacuum(parent_and_child):
    _sql(f"INSERT INTO {PARENT} SELECT g, 'order ' || g FROM generate_series(1, 1000) g")
    _flush_table_counters()
    _sql(f"ANALYZE {PARENT}")
    # 50 + 10 % of 1,000 rows is 150: 100 changed rows are not enough
    _sql(f"UPDATE {PARENT} SET note = 'paid' WHERE id <= 100")
    _flush_table_counters()

    assert PARENT not in stale_tables()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_table_autovacuum_is_working_on_is_left_for_the_next_round(parent_and_child):
    _sql(f"INSERT INTO {PARENT} SELECT g, 'order ' || g FROM generate_series(1, 500) g")
    _flush_table_counters()
    # another process holds the lock ANALYZE needs, as autovacuum's VACUUM of the table does
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"LOCK TABLE {PARENT} IN SHARE UPDATE EXCLUSIVE MODE")
        started = time.monotonic()
        sweep_planner_statistics(now=timezone.now())
        waited = time.monotonic() - started
        # the sweep neither waits for it (which would cancel autovacuum's work) nor fails the round
        assert PARENT in stale_tables()
        assert waited < 1.0
    finally:
        other.close()
    sweep_planner_statistics(now=timezone.now())
    assert PARENT not in stale_tables()


@pytest.mark.django_db
def test_on_sqlite_the_sweep_does_nothing_at_all():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite keeps no generic plans across statements: the sweep has nothing to do there")
    with CaptureQueriesContext(connection) as queries:
        assert sweep_planner_statistics(now=timezone.now()) == 0
        assert stale_tables() == []
    assert len(queries) == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_migrate_analyzes_what_is_due_and_flush_does_not(parent_and_child):
    _sql(f"INSERT INTO {PARENT} SELECT g, 'order ' || g FROM generate_series(1, 500) g")
    _flush_table_counters()

    refresh_after_migrate(using=DEFAULT_DB_ALIAS)  # as flush sends it: no plan
    assert PARENT in stale_tables()
    refresh_after_migrate(using=DEFAULT_DB_ALIAS, plan=[])  # as migrate sends it
    assert PARENT not in stale_tables()


def test_the_sweep_runs_every_round_and_after_migrate():
    assert registered_sweeps()["core.planner_statistics"] is sweep_planner_statistics
    receivers = [r() if isinstance(r, weakref.ref) else r for _, r, *_ in post_migrate.receivers]
    assert refresh_after_migrate in receivers
