"""What PostgreSQL's table counters say a segment of load cost: sequential and index scans and the
rows they read, summed over the bench database's tables (``pg_stat_user_tables``), per request.
Unlike throughput these do not move with whatever else runs on the box, and a cost that grows
with the data shows at once: rows scanned per order that climb from round to round mean some
statement reads a table that keeps growing (issue 22: the foreign-key checks' cached plans).

A busy backend reports its counters at most once a second and an idle one about ten seconds after
its last report, so up to a second of each connection's work lands in the next segment's figures.
That is noise of a few per cent over a 20-second round, and nothing against a cost that grows."""

from __future__ import annotations

COUNTERS = ("seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch")


def table_counters() -> dict[str, dict[str, int]]:
    """Per table of the bench database: its cumulative scan counters (``COUNTERS``). Read through
    this process's Django connection, closed again at once: the bench holds no connection while
    the server is measured. Empty when Django is not on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0), coalesce(idx_tup_fetch, 0) "
                "FROM pg_stat_user_tables"
            )
            return {row[0]: dict(zip(COUNTERS, row[1:], strict=True)) for row in cursor.fetchall()}
    finally:
        connection.close()


def scan_costs(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]], units: float) -> dict:
    """Per unit (request or order) between two ``table_counters`` snapshots: sequential scans, index
    scans, rows read by both, and the table whose sequential scans read the most rows."""
    if not after:
        return {"seq_scans_per_req": None, "idx_scans_per_req": None, "rows_scanned_per_req": None, "top_seq": None}
    n = max(1.0, units)
    delta = {
        table: {k: v - before.get(table, {}).get(k, 0) for k, v in counters.items()}
        for table, counters in after.items()
    }
    total = {k: sum(d[k] for d in delta.values()) for k in COUNTERS}
    top = max(delta.items(), key=lambda item: item[1]["seq_tup_read"], default=None)
    top_seq = None
    if top and top[1]["seq_tup_read"] > 0:
        top_seq = {
            "table": top[0],
            "seq_scans_per_req": top[1]["seq_scan"] / n,
            "rows_per_req": top[1]["seq_tup_read"] / n,
        }
    return {
        "seq_scans_per_req": total["seq_scan"] / n,
        "idx_scans_per_req": total["idx_scan"] / n,
        "rows_scanned_per_req": (total["seq_tup_read"] + total["idx_tup_fetch"]) / n,
        "top_seq": top_seq,
    }


def describe(r: dict, unit: str = "req") -> str:
    """The scan figures of one segment as printed: '… rows scanned/order (seq …, idx …)'."""
    if r.get("rows_scanned_per_req") is None:
        return "rows scanned n/a"
    text = (
        f"{r['rows_scanned_per_req']:,.1f} rows scanned/{unit} ({r['seq_scans_per_req']:.2f} seq + "
        f"{r['idx_scans_per_req']:.1f} idx scans)"
    )
    top = r.get("top_seq")
    if top and top["rows_per_req"] >= 100:
        text += f"; most by seq scans of {top['table']}: {top['rows_per_req']:,.0f} rows/{unit}"
    return text
