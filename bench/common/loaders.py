"""Load generators for GET requests: wrk with ``paths.lua`` (cycles over a file of paths and prints a
``BENCH_RESULT {json}`` line), or a much weaker threaded ``http.client`` loader when wrk is missing;
and the preflight that every path answers 200 before any load."""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from common.base import BENCH_DIR, HOST, BenchError

PATHS_LUA = BENCH_DIR / "paths.lua"
WRK_INSTALL_HINT = (
    "wrk is not installed. Install it with:\n"
    "    apt-get install -y wrk        (Debian/Ubuntu, as root; or: sudo apt-get install -y wrk)\n"
    "    brew install wrk              (macOS)\n"
    "or run with --loader python (a much weaker loader: its figures are not comparable with wrk's)."
)


def choose_loader(requested: str) -> tuple[str, str | None]:
    wrk = shutil.which("wrk")
    if requested == "python":
        return "python", None
    if wrk:
        return "wrk", wrk
    if requested == "wrk":
        raise BenchError(WRK_INSTALL_HINT)
    print(WRK_INSTALL_HINT, file=sys.stderr)
    print("Falling back to the Python loader.\n", file=sys.stderr)
    return "python", None


def run_wrk(
    wrk: str,
    port: int,
    path_file: Path,
    duration: int,
    connections: int,
    threads: int,
    timeout: int,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    """``headers`` go on every request (wrk ``-H``; ``paths.lua`` formats its requests with them)."""
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
        *(f"-H{name}: {value}" for name, value in (headers or {}).items()),
        "-s",
        str(PATHS_LUA),
        f"http://{HOST}:{port}",
        "--",
        str(path_file),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + timeout + 30)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise BenchError(f"could not parse wrk output (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def run_python_loader(
    port: int,
    paths: list[str],
    duration: int,
    connections: int,
    timeout: int,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    """Fallback when wrk is missing: threads with keep-alive http.client connections, bounded by a
    deadline. The GIL makes it far weaker than wrk; use its figures only to compare endpoints."""
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    counts = {"non_2xx_3xx": 0, "errors": 0, "bytes": 0}
    lock = threading.Lock()

    def worker(n: int) -> None:
        conn: http.client.HTTPConnection | None = None
        position = (n * 7) % len(paths)
        mine = latencies[n]
        while time.monotonic() < deadline:
            position = (position + 1) % len(paths)
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
                start = time.perf_counter()
                conn.request("GET", paths[position], headers=headers or {})
                resp = conn.getresponse()
                body = resp.read()
                mine.append(time.perf_counter() - start)
                if resp.status >= 400 or resp.will_close:
                    if resp.status >= 400:
                        with lock:
                            counts["non_2xx_3xx"] += 1
                    if resp.will_close:
                        conn.close()
                        conn = None
                with lock:
                    counts["bytes"] += len(body)
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["errors"] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=duration + timeout + 5)
    elapsed = time.monotonic() - started
    merged = sorted(x for per in latencies for x in per)
    if not merged:
        raise BenchError("the Python loader completed no request")

    def pct(p: float) -> float:
        return merged[min(len(merged) - 1, int(p / 100 * len(merged)))] * 1e6

    return {
        "requests": len(merged),
        "duration_us": elapsed * 1e6,
        "bytes": counts["bytes"],
        "mean_us": statistics.fmean(merged) * 1e6,
        "p50_us": pct(50),
        "p90_us": pct(90),
        "p99_us": pct(99),
        "max_us": merged[-1] * 1e6,
        "connect_errors": 0,
        "read_errors": counts["errors"],
        "write_errors": 0,
        "timeouts": 0,
        "non_2xx_3xx": counts["non_2xx_3xx"],
    }


def preflight(port: int, paths: dict[str, list[str]]) -> dict[str, float]:
    """Every path answers 200 before any load (a 404 storm would be a fast, meaningless benchmark);
    returns the mean response size per endpoint."""
    sizes: dict[str, float] = {}
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        for name, plist in paths.items():
            total = 0
            for path in plist:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    raise BenchError(f"GET {path} answered {resp.status}: {body[:300]!r}")
                total += len(body)
                if resp.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
            sizes[name] = total / len(plist)
    finally:
        conn.close()
    return sizes
