"""Medians over the rounds and the printed lines: one per segment as it finishes, and the table
and cross-check at the end."""

from __future__ import annotations

import os
import statistics

from common.base import fmt_ms, fmt_opt
from common.cpu import loadavg
from common.dbstats import describe
from common.floors import Floors
from order_placement.load import ORDER_SCENARIOS


def median_of(results: list[dict]) -> dict:
    merged: dict = {}
    for key in (
        "rps",
        "p50_us",
        "p90_us",
        "p99_us",
        "max_us",
        "app_cpu_ms_per_req",
        "db_cpu_ms_per_req",
        "loader_cpu_ms_per_req",
        "other_cpu_cores",
        "seq_scans_per_req",
        "idx_scans_per_req",
        "rows_scanned_per_req",
    ):
        values = [r[key] for r in results if r.get(key) is not None]
        merged[key] = statistics.median(values) if values else None
    for key in ("requests", "created", "units", "other_status", "socket_errors"):
        merged[key] = sum(r.get(key, 0) for r in results)
    merged["rps_per_round"] = [r["rps"] for r in results]
    merged["p99_per_round"] = [r["p99_us"] for r in results]
    merged["db_cpu_per_round"] = [r.get("db_cpu_ms_per_req") for r in results]
    merged["rows_scanned_per_round"] = [r.get("rows_scanned_per_req") for r in results]
    merged["problems"] = [p for r in results for p in r.get("problems", [])]
    merged["loadavg_per_round"] = [r["loadavg"] for r in results]
    return merged


def print_segment(label: str, r: dict) -> None:
    unit = "orders/s" if label.split()[-1] in ORDER_SCENARIOS else "req/s"
    bad = r.get("other_status", 0) + r.get("socket_errors", 0)
    print(
        f"  {label:<18} {r['rps']:8.1f} {unit:<8} p50 {fmt_ms(r['p50_us']):>6} ms  p99 {fmt_ms(r['p99_us']):>6} ms  "
        f"{r['requests']:.0f} req, non-201/errors {bad:.0f}; app {r['app_cpu_ms_per_req']:.2f} + db "
        f"{r['db_cpu_ms_per_req']:.2f} CPU-ms/req, other {r['other_cpu_cores'] or 0:.2f} cores, load {r['loadavg']}"
    )
    print(f"    cost: {describe(r, 'order' if unit == 'orders/s' else 'req')}")
    if r.get("cut_off"):
        print(f"    (+{r['cut_off']} orders placed whose answer the loader never read: in flight when it stopped)")
    for sample in r.get("samples", []):
        print(f"    non-201 sample: {sample}")
    for problem in r.get("problems", []):
        print(f"    CHECK FAILED: {problem}")


def print_table(
    closed: dict[str, dict], open_loop: dict[str, dict], rounds: int, connections: int, floors: Floors | None = None
) -> None:
    """The medians of the closed-loop rounds and the open-loop runs, the rates per round, the
    closed-loop rates beside the floors (orders carry a bearer token: the no-op through the API's
    lane; the detail GETs none: the pages' stack), and the CPU cross-check: throughput moves with
    whatever else runs on the box; CPU per order barely does."""
    print(f"\nmedians over {rounds} round(s), {connections} connections (closed loop, wrk):")
    header = (
        f"{'scenario':<22} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-201':>8} {'errors':>7} "
        f"{'app CPU ms/req':>15} {'db CPU ms/req':>14} {'other CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    rows = [(f"orders, {n}", closed[n]) for n in ORDER_SCENARIOS] + [("GET product detail", closed["detail"])]
    rows += [(f"open loop {n} @ {r['rate']:.0f}/s", r) for n, r in open_loop.items()]
    for label, r in rows:
        print(
            f"{label:<22} {r['rps']:>8.1f} {fmt_ms(r['p50_us']):>7} {fmt_ms(r['p99_us']):>7} "
            f"{r['other_status']:>8.0f} {r['socket_errors']:>7.0f} {fmt_opt(r['app_cpu_ms_per_req']):>15} "
            f"{fmt_opt(r['db_cpu_ms_per_req']):>14} {fmt_opt(r['other_cpu_cores']):>6} cores"
        )
    for name in ORDER_SCENARIOS:
        r = closed[name]
        print(
            f"  {name} per round: orders/s "
            + " / ".join(f"{x:.0f}" for x in r["rps_per_round"])
            + "; db CPU-ms/order "
            + " / ".join(fmt_opt(x) for x in r["db_cpu_per_round"])
            + "; rows scanned/order "
            + " / ".join(fmt_opt(x, ",.0f") for x in r["rows_scanned_per_round"])
        )
    if floors:
        for name in (*ORDER_SCENARIOS, "detail"):
            r, bearer = closed[name], name != "detail"
            unit = "orders/s" if bearer else "req/s"
            print(
                f"  vs floors, {name}: {r['rps']:.0f} {unit} = {floors.ratio_text(r['rps'], bearer=bearer)}; "
                f"{floors.cost_text(r, bearer=bearer)}"
            )
    print(f"  load average per round: {' | '.join(closed['spread']['loadavg_per_round'])}; now {loadavg()}")
    for name in ORDER_SCENARIOS:
        r = closed[name]
        cost = sum(r[k] or 0.0 for k in ("app_cpu_ms_per_req", "db_cpu_ms_per_req", "loader_cpu_ms_per_req"))
        if cost > 0:
            # Throughput moves with whatever else runs on the box; CPU per order barely does.
            print(
                f"  cross-check, {name}: {cost:.1f} CPU-ms per order (app + db + wrk) -> about "
                f"{(os.cpu_count() or 1) * 1000 / cost:.0f} orders/s if this box ran nothing else "
                f"(other processes used {r['other_cpu_cores'] or 0:.2f} cores during the rounds)"
            )
