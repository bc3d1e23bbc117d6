"""The replica serves the data centre: an operator's overview calls through nginx show up as reads
on the streaming replica (its own table statistics, its ``fenxiao-replica`` connections) and not
on the primary. Beat is paused meanwhile, so no sweep reads the same tables on the primary."""

from __future__ import annotations

import time
from datetime import date, timedelta

from scripts.cluster.processes import wait_until

from tests.cluster.shop import staff_login

CALLS = 6
STATS_DELAY_SECONDS = 11
SCANS = (
    "SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
    "WHERE relname LIKE 'analytics\\_%'"
)


def _scans(instance) -> dict[str, int]:
    with instance.connect() as conn:
        return dict(conn.execute(SCANS).fetchall())


def _replica_connections(instance) -> int:
    with instance.connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fenxiao-replica'"
        ).fetchone()[0]


def test_replica_serves_analytics(cluster):
    primary, replica = cluster.replication.primary, cluster.replication.replica
    operator = staff_login(cluster.url)
    cluster.beat.stop()
    try:
        cluster.broker.wait_drained(timeout=60)
        primary_before, replica_before = _scans(primary), _scans(replica)
        today = date.today()
        span = {"from": str(today - timedelta(days=29)), "to": str(today)}
        for _ in range(CALLS):
            answer = operator.get("/admin/analytics/overview", **span)
            assert answer.status_code == 200, answer.text

        # Backends publish their table statistics when idle, at most once a second (PostgreSQL 15).
        def replica_read() -> dict[str, int]:
            after = _scans(replica)
            return {t: n - replica_before.get(t, 0) for t, n in after.items() if n > replica_before.get(t, 0)}

        read = wait_until("the replica's statistics show the reads", replica_read, timeout=20, interval=0.5)
        # An idle backend may hold its statistics up to 10 s: watch the primary that long.
        deadline = time.monotonic() + STATS_DELAY_SECONDS
        while time.monotonic() < deadline:
            after = _scans(primary)
            on_primary = {t: after[t] - primary_before.get(t, 0) for t in read if after[t] > primary_before.get(t, 0)}
            assert not on_primary, f"the primary served analytics reads too: {on_primary}"
            time.sleep(1)
        assert _replica_connections(replica) >= 1
        lag = cluster.replication.lag()
    finally:
        cluster.start_beat()
    cluster.note("replica", f"{CALLS} overview calls: scans on the replica {read}, on the primary none")
    cluster.note("replica", f"replication {lag['state']}, lag {lag['bytes']} bytes / {lag['seconds']:.3f} s")
