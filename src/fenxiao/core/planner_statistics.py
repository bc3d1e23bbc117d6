"""Keeping PostgreSQL's planner statistics current for the tables the mall writes, whether
autovacuum is on, off or behind.

Why (issue 22, measured in bench/README.md, "Order cost at 1k vs 1M orders"): every foreign-key
check PostgreSQL makes when a row is inserted (an order line pointing at its order, an order at its
buyer) runs a query of its own, ``SELECT 1 FROM ONLY orders_order x WHERE id = $1 FOR KEY SHARE``,
that each database connection prepares once and keeps. After five executions the plan cache may
settle on a *generic* plan, chosen from the table's size at that moment. On a new shop's first
orders the table is a page or two, a sequential scan is the cheapest plan, and that plan is kept
for as long as the connection lives (``DB_CONN_MAX_AGE``, 600 s in the benches): every order then
reads every order, three times (its lines, its event, its referral snapshot), and a flash sale on a
new shop slows down as it sells. The mall's own prepared statements (``core/env.py``) age the same
way.

Nothing but an invalidation makes a connection plan again, and what invalidates every connection's
plans on a table at once is a new ``ANALYZE`` of it. Autovacuum analyzes a table when more rows
changed since the last analyze than ``autovacuum_analyze_threshold + autovacuum_analyze_scale_factor
× rows`` (50 + 10 %); where it is off (this project's CI server), or behind (its workers busy with
large tables), the plans stay as they are. ``sweep_planner_statistics`` applies that same rule
itself, with the server's own two settings, on every sweep round and after ``migrate``: when
autovacuum keeps up it finds nothing to do; otherwise it analyzes what autovacuum would have, and
each connection re-plans its checks for the table's real size at its next use. The rule grows with
the table, so a growing table is analyzed at every 10 % of growth (and at most once a round): about
a hundred times over a shop's first million orders, each one sampling at most 30,000 rows.

Only one process analyzes at a time (an advisory lock taken without waiting: the in-process
sweeper runs in every web worker), and a table another process holds (autovacuum at work on it) is
left for the next round rather than waited for. On SQLite there are no such cached plans: the
sweep does nothing."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

logger = logging.getLogger(__name__)

# Its name among the sweeps; it also runs alone every ``PLANNER_STATISTICS_INTERVAL_SECONDS``
# (``planner_statistics_interval``), between the rounds of all of them.
SWEEP_NAME = "core.planner_statistics"

# How long ANALYZE waits for a table another process holds (autovacuum's VACUUM, an index build).
# Below deadlock_timeout (1 s): a wait that long would make PostgreSQL cancel autovacuum's work
# on the table in our favour, and autovacuum already seeing to it is all this sweep wants.
LOCK_TIMEOUT_MS = 200

# pg_try_advisory_xact_lock key: one analyzing process at a time ("fxplanst" as 8 bytes).
ADVISORY_LOCK_KEY = 0x6678706C616E7374

# The tables of the current schema that autovacuum's analyze rule says are due, with the server's
# settings (a table never analyzed counts as empty, as autovacuum counts it).
STALE_TABLES_SQL = """
SELECT c.relname
FROM pg_stat_user_tables s
JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname = current_schema()
  AND s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
      + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
ORDER BY s.n_mod_since_analyze DESC
"""


def stale_tables(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The tables whose planner statistics are due by autovacuum's analyze rule (PostgreSQL;
    elsewhere none)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(STALE_TABLES_SQL)
        return [name for (name,) in cursor.fetchall()]


def planner_statistics_refresh(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """ANALYZE every table that is due; answer their names. Another process already doing it
    makes this one return at once with nothing done."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    analyzed: list[str] = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        (locked,) = cursor.fetchone()
        if not locked:
            return []
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{LOCK_TIMEOUT_MS}ms"])
        for table in stale_tables(using=using):
            try:
                with transaction.atomic(using=using):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
                analyzed.append(table)
            except OperationalError:
                # Autovacuum (or someone) holds the table: it is being seen to; next round.
                logger.info("planner statistics: %s is busy, left for the next round", table)
    if analyzed:
        logger.info("planner statistics refreshed: %s", ", ".join(analyzed))
    return analyzed


def sweep_planner_statistics(*, now: datetime) -> int:
    """The sweep: how many tables were analyzed. ``now`` is unused (the rule counts rows, not time)."""
    return len(planner_statistics_refresh())


def refresh_after_migrate(*, using: str = DEFAULT_DB_ALIAS, plan: object = None, **kwargs: object) -> None:
    """``post_migrate`` receiver: a migration that rewrote or filled a table leaves it due at once.
    Only ``migrate`` sends a ``plan``; ``flush`` (every transactional test's teardown) sends the
    same signal without one, and an emptied table needs no statistics."""
    if plan is None:
        return
    planner_statistics_refresh(using=using)


def planner_statistics_interval(sweep_interval: float, setting: float) -> float | None:
    """Seconds between the check's own runs, or None when the sweep rounds come as often (or the
    setting is 0): then it runs only with them."""
    return setting if 0 < setting < sweep_interval else None
