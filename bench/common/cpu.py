"""CPU accounting from /proc (Linux; everything degrades to "n/a" elsewhere): the app server's
processes, the PostgreSQL backends of the bench database, the loader (a child of this process) and
everything else on the machine. On a 2-core box the loader competes with the server, so CPU per
request is the steadier figure."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

from common.dbstats import scan_costs, table_counters
from common.server import Server

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(ppid, utime+stime seconds) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def _all_pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def cpu_snapshot(master_pid: int, dbname: str) -> dict[str, dict[int, float]]:
    """CPU seconds per pid: the gunicorn master and its workers, and the PostgreSQL backends
    serving the bench database (their command line names it)."""
    app: dict[int, float] = {}
    db: dict[int, float] = {}
    for pid in _all_pids():
        stat = _proc_stat(pid)
        if stat is None:
            continue
        ppid, cpu = stat
        if pid == master_pid or ppid == master_pid:
            app[pid] = cpu
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith("postgres:") and f" {dbname} " in cmdline:
            db[pid] = cpu
    return {"app": app, "db": db}


def cpu_delta(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    return {kind: sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items()) for kind in ("app", "db")}


def worker_shares(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]], master: int) -> list[float]:
    """Each gunicorn worker's share of the workers' CPU during a run, busiest first."""
    used = [cpu - before["app"].get(pid, 0.0) for pid, cpu in after["app"].items() if pid != master]
    total = sum(used)
    return sorted((u / total for u in used), reverse=True) if total > 0 else []


def machine_busy() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, monotonic time) from /proc/stat; (0, t) elsewhere."""
    now = time.monotonic()
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0, now
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK, now


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def measured(server: Server, dbname: str, load: Callable[[], dict]) -> dict:
    """Run ``load()`` and add CPU accounting (gunicorn, PostgreSQL backends, loader, the rest) and
    the database's table scans per request (``common.dbstats``)."""
    before_scans = table_counters()
    before_children = children_cpu()
    before = cpu_snapshot(server.proc.pid, dbname)
    busy_before, t_before = machine_busy()
    load_before = loadavg()
    result = load()
    busy_after, t_after = machine_busy()
    after = cpu_snapshot(server.proc.pid, dbname)
    used = cpu_delta(before, after)
    loader_cpu = children_cpu() - before_children
    n = max(1.0, result["requests"])
    other = busy_after - busy_before - used["app"] - used["db"] - loader_cpu
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["app_cpu_ms_per_req"] = used["app"] * 1000 / n
    result["db_cpu_ms_per_req"] = used["db"] * 1000 / n
    result["loader_cpu_ms_per_req"] = loader_cpu * 1000 / n
    result["other_cpu_cores"] = max(0.0, other) / (t_after - t_before) if busy_after else None
    result["worker_shares"] = worker_shares(before, after, server.proc.pid)
    result["loadavg"] = load_before
    result.update(scan_costs(before_scans, table_counters(), result["requests"]))
    result.setdefault(
        "socket_errors",
        result.get("connect_errors", 0)
        + result.get("read_errors", 0)
        + result.get("write_errors", 0)
        + result.get("timeouts", 0),
    )
    return result
