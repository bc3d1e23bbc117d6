"""The command-line options of the benches that load GET paths with wrk or the Python loader
(``http_bench.py``, ``cold_lists_bench.py``): both drive the same gunicorn, loader and CPU
accounting (``http_bench.measure``), so they take the same options, defined once here; each
script adds only what is its own (the floors and the seeding for one, the catalogue size for the
other)."""

from __future__ import annotations

import argparse
import os


def add_http_options(
    p: argparse.ArgumentParser, *, database_url: str, redis_url: str, redis_optional: bool = True
) -> None:
    """The server, load, database and clean-up options; ``database_url`` and ``redis_url`` are the
    script's defaults when ``BENCH_DATABASE_URL`` and ``BENCH_REDIS_URL`` are unset, and
    ``redis_optional`` says whether its help offers '' (no Redis; a script that needs Redis refuses
    it itself). Check the parsed values with ``check_http_options``."""
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    p.add_argument("--duration", type=int, default=20, help="seconds of load per endpoint (default 20)")
    p.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1: leaves CPU to the server)")
    p.add_argument(
        "--warmup", type=int, default=3, help="seconds of warm-up load per endpoint, not measured (default 3)"
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="repeat the endpoints N times interleaved; report medians (default 3)",
    )
    p.add_argument("--timeout", type=int, default=5, help="per-request timeout in seconds (default 5)")
    p.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto", help="load generator (default auto)")
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", database_url),
        help=f"dedicated PostgreSQL database (env BENCH_DATABASE_URL; default {database_url})",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", redis_url),
        help=f"REDIS_URL for the server (env BENCH_REDIS_URL; default {redis_url})"
        + ("; '' for none" if redis_optional else ""),
    )
    p.add_argument("--conn-max-age", type=int, default=600, help="DB_CONN_MAX_AGE for the server (default 600)")
    p.add_argument("--reset-db", action="store_true", help="drop and recreate the bench database first")
    p.add_argument("--keep-logs", action="store_true", help="keep the temporary directory with the gunicorn log")


def check_http_options(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse (``p.error``, exit status 2) the values no run can use."""
    if args.workers < 1 or args.duration < 1 or args.connections < 1 or args.wrk_threads < 1 or args.rounds < 1:
        p.error("--workers, --duration, --connections, --wrk-threads and --rounds must be >= 1")
    if args.wrk_threads > args.connections:
        p.error("--wrk-threads cannot exceed --connections")
