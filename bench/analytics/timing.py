"""The clocks: the rollup rebuild over the whole range, and the data centre's reads (overview,
trend, cohorts) against their floor (a ``SELECT 1`` round trip and one ``SalesDay`` SUM over
365 days), interleaved run by run so that drift on a shared machine hits them all alike."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from commission.query_timer import QueryTimer, percentile

ROLLUP_TABLES = (
    "analytics_salesday",
    "analytics_orderfact",
    "analytics_refundfact",
    "analytics_buyerprofile",
    "analytics_buyerday",
    "analytics_buyerreturnmonth",
    "analytics_distributorday",
    "analytics_productday",
)


@dataclass
class Rebuild:
    days: int = 0
    seconds: float = 0.0
    repaired: int = 0
    chunks: list[tuple[date, date, float]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    sql_seconds: float = 0.0
    commit_seconds: float = 0.0
    top: list[tuple[str, int, float]] = field(default_factory=list)


def table_counts(tables: tuple[str, ...]) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        out = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[table] = cursor.fetchone()[0]
        return out


def clear_days(first: date, last: date) -> None:
    """Empty the rollups of ``first``..``last`` (every other day keeps its rows), so that their
    rebuild writes them all again, as on an empty database."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ROLLUP_TABLES:
            column = "first_day" if table == "analytics_buyerprofile" else "day"
            cursor.execute(f"DELETE FROM {table} WHERE {column} BETWEEN %s AND %s", [first, last])


def vacuum_analyze() -> None:
    """What autovacuum does to tables that stopped changing, before the reads: statistics, and
    the visibility map that lets a count read an index alone (an index-only scan visits the table
    for every row of a page the map does not mark all-visible). This server has autovacuum off."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def analyze_rollups() -> None:
    """What autovacuum does as the rollup tables fill. The CI server this runs on has it off
    (``autovacuum = off``): the tables would keep the statistics of their empty state, and the
    planner then reads a buyer's profile by primary key with a sequential scan."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(ROLLUP_TABLES)}")


def rebuild(first: date, last: date, chunk_days: int = 30) -> Rebuild:
    """``rollups_rebuild(first=, last=)`` over the range, called per ``chunk_days`` to print
    progress and ``ANALYZE`` the rollups (``analyze_rollups``); every SQL statement timed by kind
    (the rest is Python)."""
    from django.db import connection

    from fenxiao.analytics.rollups.rebuild import rollups_rebuild

    out = Rebuild()
    timer = QueryTimer()
    # Every day of an empty rollup differs from its source: the product logs a warning for each.
    logging.getLogger("fenxiao.analytics.rollups.rebuild").setLevel(logging.ERROR)
    started = time.perf_counter()
    with connection.execute_wrapper(timer), timer.commits(connection):
        day = first
        while day <= last:
            end = min(last, day + timedelta(days=chunk_days - 1))
            t0 = time.perf_counter()
            checks = rollups_rebuild(first=day, last=end)
            spent = time.perf_counter() - t0
            out.chunks.append((day, end, spent))
            out.days += len(checks)
            out.repaired += sum(c.repaired for c in checks)
            analyze_rollups()
            print(
                f"    {day} .. {end}: {spent:6.1f} s ({spent * 1000 / len(checks):5.0f} ms/day)"
                f"  elapsed {time.perf_counter() - started:7.1f} s",
                flush=True,
            )
            day = end + timedelta(days=1)
    out.seconds = time.perf_counter() - started
    out.sql_seconds, out.commit_seconds = timer.total_seconds, timer.commit_seconds
    out.top = timer.top(8)
    out.rows = table_counts(ROLLUP_TABLES)
    return out


@dataclass
class Series:
    name: str
    ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def p(self, q: float) -> float:
        return percentile(self.ms, q)

    @property
    def max(self) -> float:
        return max(self.ms)


class QueryCounter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _reads(end: date) -> dict[str, Callable[[], object]]:
    from django.db import connection
    from django.db.models import Sum

    from fenxiao.analytics.metrics.cohorts import cohorts_get
    from fenxiao.analytics.metrics.overview import overview_get
    from fenxiao.analytics.metrics.trend import trend_get
    from fenxiao.analytics.models import SalesDay
    from fenxiao.analytics.periods import DayRange, month_start

    def select_one() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()

    to_month = month_start(end)
    back = to_month.year * 12 + to_month.month - 1 - 11  # 12 months, the last one included
    from_month = date(back // 12, back % 12 + 1, 1)
    year = DayRange(end - timedelta(days=364), end)
    return {
        "overview, 30 days": lambda: overview_get(span=DayRange(end - timedelta(days=29), end)),
        "overview, 365 days": lambda: overview_get(span=year),
        "trend GMV, 30 days by day": lambda: trend_get(
            metric="gmv_fen", span=DayRange(end - timedelta(days=29), end), granularity="day"
        ),
        "cohorts, 12 months": lambda: cohorts_get(from_month=from_month, to_month=to_month),
        "floor: SELECT 1": select_one,
        "floor: SalesDay SUM, 365 days": lambda: SalesDay.objects.filter(
            day__gte=year.first, day__lte=year.last
        ).aggregate(gmv=Sum("gmv_fen")),
    }


def end_days(last: date, runs: int, window: int = 200) -> list[date]:
    """``runs`` end dates spread over the last ``window`` days (a stride prime to it, so they
    differ until ``runs`` exceeds ``window``)."""
    return [last - timedelta(days=(i * 37) % window) for i in range(runs)]


def measure_reads(last: date, runs: int, warmup: int) -> list[Series]:
    from django.db import connection

    series: dict[str, Series] = {}
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for i, end in enumerate(end_days(last, warmup + runs)):
            for name, read in _reads(end).items():
                before = counter.n
                t0 = time.perf_counter()
                read()
                spent = (time.perf_counter() - t0) * 1000
                if i >= warmup:
                    s = series.setdefault(name, Series(name))
                    s.ms.append(spent)
                    s.queries.append(counter.n - before)
    return list(series.values())


def slowest_statements(last: date, runs: int = 10) -> tuple[float, list[tuple[str, int, float]]]:
    """Where a 365-day overview spends its time: total ms per call and SQL per kind of statement."""
    from django.db import connection

    timer = QueryTimer()
    t0 = time.perf_counter()
    with connection.execute_wrapper(timer):
        for end in end_days(last, runs):
            _reads(end)["overview, 365 days"]()
    return (time.perf_counter() - t0) * 1000 / runs, timer.top(6)
