"""Order placement benchmark: POST /api/v1/orders over HTTP, gunicorn + PostgreSQL + Redis.

    .venv/bin/python bench/orders_bench.py [--workers 3] [--duration 20] [--connections 20]

In one run, against one server, it measures with interleaved rounds (wrk, 20 connections):

* ``spread``  -- every order has 1 or 2 distinct random SKUs out of all the active on-shelf SKUs
  but one, 1-2 units each (plenty of stock: nothing runs out),
* ``hot``     -- every order is 1 unit of the same SKU (the one left out above),
* ``detail``  -- ``GET /api/v1/products/{id}`` over 200 on-shelf products, beside the orders,

then drives ``spread`` and ``hot`` open-loop at a constant rate of 70 % of the maximum measured
above (a wrk2-style generator in Python asyncio, in its own process: latency is counted from the
moment a request was due, so a stalled server cannot hide its queue).

After every load segment it checks the database against the answers: orders created == 201
answers, units in the new order lines == units in the 201 bodies == stock that left the SKUs ==
units held by the new reservations, the hot SKU lost exactly one unit per order, and every new
order is pending payment with a 30-minute deadline. Any non-201 answer or socket error is a failure.

Every segment's line also gives the database's CPU-ms and rows scanned per order, so a cost that grows
with the data shows at once (issue 22). The sweeps that change no shop data (``core.planner_statistics``)
run beside the server every ``--sweep-interval`` s, as in a live mall; ``--sweeps none`` leaves them out.

Before the rounds, with the same server settings and wrk connections, the two floors of every HTTP
bench (``common/floors.py``): the bare WSGI app and a no-op view, through the API's lane (a
shopper's bearer token) and through the pages' stack; the orders/s are printed beside them, with
the floors' own "no-op with bearer >= 60% of bare" (not part of the exit status).
``--floor-duration 0`` skips them.

Prints orders/s, p50/p99, non-201 counts and PASS/FAIL for the targets (issue 3 §9):
spread >= 300 orders/s, and spread p99 <= 100 ms at 70 % of the maximum. Exit status: 0 PASS,
1 FAIL, 2 setup error. The scenarios, checks and report are in ``order_placement/``; the shared
plumbing (database, gunicorn, /proc CPU accounting, wrk for GETs) in ``common/``. See
bench/README.md, "Order placement".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from common.base import HOST, BenchError, fmt_ms, git_revision, run_main
from common.cpu import loadavg, measured
from common.data import prepare_data
from common.database import ensure_database, run_fenxiao, setup_django
from common.floors import add_floor_options, bench_floors, server_description
from common.loaders import WRK_INSTALL_HINT, preflight, run_wrk
from common.server import add_server_option, server_errors, start_server, stop_gunicorn, wait_healthy
from common.server import server_env as common_server_env
from common.sweeps import add_sweep_options, sweep_thread
from order_placement.fixtures import prepare_fixtures
from order_placement.load import (
    ORDER_SCENARIOS,
    order_segment,
    preflight_orders,
    run_open_loop,
    run_wrk_orders,
    wrk_detail_result,
)
from order_placement.open_loop import open_loop_worker
from order_placement.report import median_of, print_segment, print_table
from order_placement.statements import statements_per_order

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fenxiao_bench_orders"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
TARGET_ORDERS_PER_S = 300.0
TARGET_P99_MS = 100.0
ACCESS_TTL_SECONDS = 7 * 24 * 3600


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    add_server_option(p)
    p.add_argument("--workers", type=int, default=3, help="server worker processes (default 3)")
    p.add_argument("--threads", type=int, default=1, help="granian blocking threads per worker (default 1)")
    p.add_argument("--duration", type=int, default=20, help="seconds of closed-loop load per scenario (default 20)")
    p.add_argument("--connections", type=int, default=20, help="concurrent clients for wrk (default 20)")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds spread/hot/detail (default 3)")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per scenario (default 3)")
    p.add_argument(
        "--open-loop-duration", type=int, default=30, help="seconds of constant-rate load per scenario (default 30)"
    )
    p.add_argument(
        "--open-loop-fraction",
        type=float,
        default=0.70,
        help="constant rate as a fraction of the measured maximum (default 0.70)",
    )
    p.add_argument(
        "--open-loop-rate",
        type=float,
        default=None,
        help="constant rate in orders/s for spread (default: fraction x measured maximum)",
    )
    p.add_argument("--skip-open-loop", action="store_true", help="only the closed-loop rounds")
    p.add_argument("--users", type=int, default=200, help="shoppers with a default address and a token (default 200)")
    p.add_argument("--spread-stock", type=int, default=100_000, help="stock set on every spread SKU (default 100000)")
    p.add_argument("--hot-stock", type=int, default=1_000_000, help="stock set on the hot SKU (default 1000000)")
    p.add_argument("--timeout", type=int, default=10, help="per-request timeout in seconds (default 10)")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1)")
    add_floor_options(p, duration=10, rounds=1)
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_ORDERS_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"dedicated PostgreSQL database (env BENCH_ORDERS_DATABASE_URL; default {DEFAULT_DATABASE_URL})",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_ORDERS_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"REDIS_URL for the server (env BENCH_ORDERS_REDIS_URL; default {DEFAULT_REDIS_URL}); '' for none",
    )
    p.add_argument("--conn-max-age", type=int, default=600, help="DB_CONN_MAX_AGE for the server (default 600)")
    p.add_argument(
        "--seed",
        choices=["auto", "demo", "builtin", "none"],
        default="auto",
        help="how to fill an empty database (as http_bench.py): auto = seed_demo if it exists",
    )
    add_sweep_options(p)
    p.add_argument(
        "--statement-probe",
        type=int,
        default=20,
        help="orders placed in process before the run to count SQL statements per order (default 20; 0: skip)",
    )
    p.add_argument("--reset-db", action="store_true", help="drop and recreate the bench database first")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument("--keep-logs", action="store_true", help="keep the temporary directory with the gunicorn log")
    # Internal: the open-loop generator runs in a child process (its own core time and GIL).
    p.add_argument("--open-loop-worker", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.open_loop_worker:
        return args
    if min(args.workers, args.duration, args.connections, args.rounds, args.users, args.wrk_threads, args.threads) < 1:
        p.error("--workers, --duration, --connections, --rounds, --users, --wrk-threads and --threads must be >= 1")
    if not 0 < args.open_loop_fraction <= 1.5:
        p.error("--open-loop-fraction must be in (0, 1.5]")
    # the attributes common.server's helpers read
    args.app = "fenxiao.wsgi:application"
    args.worker_class = "sync"
    return args


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = common_server_env(args)
    env.update(
        # The in-process sweeper would cancel/expire orders during the run; nothing must touch them.
        SWEEP_IN_PROCESS="false",
        CELERY_BROKER_URL="",
        # Tokens are issued by this process and checked by the server: same key, long life.
        JWT_SIGNING_KEY=env["SECRET_KEY"],
        JWT_ACCESS_TTL_SECONDS=str(ACCESS_TTL_SECONDS),
        ORDER_PAYMENT_WINDOW_MINUTES="30",
        # Each bench shopper places many orders and pays none: the shop's cap on unpaid orders per
        # shopper would refuse all but the first few.
        ORDER_MAX_UNPAID_ORDERS="0",
    )
    return env


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.open_loop_worker:
        return open_loop_worker(args.open_loop_worker)
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError(WRK_INSTALL_HINT.split("\nor run")[0])
    env = server_env(args)
    print(f"Fenxiao order placement bench  (rev {git_revision()}, {os.cpu_count()} CPUs, load average {loadavg()})")
    print("database:")
    dbname = ensure_database(args.database_url, args.reset_db)
    print("  fenxiao migrate")
    run_fenxiao(env, "migrate", "--noinput", "-v", "0")
    setup_django(env)
    dataset = prepare_data(args, env)
    fx = prepare_fixtures(args)
    from django.db import connections

    from fenxiao.orders.models import Order

    if args.statement_probe > 0:
        dataset["statements_per_order"] = statements_per_order(fx, args.statement_probe)
        print(
            f"  {dataset['statements_per_order']:.1f} SQL statements per 1-line order (in process, "
            f"{args.statement_probe} orders)"
        )
    dataset["orders_before"] = Order.objects.count()
    connections.close_all()
    print(
        f"  {dataset['orders_before']:,} orders in the database; "
        f"{dataset['on_shelf']} on-shelf / {dataset['products']} products, {dataset['skus']} SKUs; "
        f"{len(fx.shoppers)} shoppers with tokens; spread over {len(fx.spread_skus)} SKUs at stock "
        f"{args.spread_stock}; hot SKU {fx.hot_sku} at stock {args.hot_stock}"
    )

    workdir = Path(tempfile.mkdtemp(prefix="fenxiao-orders-bench-"))
    files = {
        "users": workdir / "users.txt",
        "spread": workdir / "spread_skus.txt",
        "hot": workdir / "hot_sku.txt",
        "detail": workdir / "detail_paths.txt",
    }
    files["users"].write_text("".join(f"{t} {a}\n" for t, a in fx.shoppers))
    files["spread"].write_text("".join(f"{s}\n" for s in fx.spread_skus))
    files["hot"].write_text(f"{fx.hot_sku}\n")
    files["detail"].write_text("\n".join(fx.detail_paths) + "\n")

    print(
        f"server: {server_description(args)}, DB_CONN_MAX_AGE={args.conn_max_age}, "
        f"REDIS_URL={args.redis_url or '-'}, SWEEP_IN_PROCESS=false, DEBUG=false"
    )
    floors = bench_floors(args, env, workdir, wrk=wrk, token=fx.shoppers[0][0], dbname=dbname)
    server = start_server(args, env, workdir)
    sweeps = sweep_thread(args)
    seed = 20261125
    per_round: dict[str, list[dict]] = {"spread": [], "hot": [], "detail": []}
    open_loop: dict[str, dict] = {}
    warmup_problems: list[str] = []

    def load_for(name: str, duration: int, seed_: int):
        if name == "detail":
            return lambda: wrk_detail_result(
                run_wrk(wrk, server.port, files["detail"], duration, args.connections, args.wrk_threads, args.timeout)
            )
        return lambda: run_wrk_orders(wrk, server.port, name, files, duration, args, seed_)

    try:
        wait_healthy(server)
        print(f"  listening on http://{HOST}:{server.port}")
        preflight(server.port, {"detail": fx.detail_paths})
        preflight_orders(server.port, fx)
        print("  preflight: every detail path answered 200, a spread and a hot order answered 201")
        sweeps.start()
        print(
            f"load: wrk, {args.connections} connections, {args.duration}s per scenario after {args.warmup}s "
            f"warm-up, {args.rounds} interleaved round(s)\n"
        )
        if args.warmup > 0:
            for name in per_round:
                load = load_for(name, args.warmup, seed - 1)
                if name == "detail":
                    load()
                else:
                    r = order_segment(server, dbname, fx, name, load, args.connections)
                    warmup_problems += [f"warm-up {name}: {p}" for p in r["problems"]]
                    warmup_problems += [f"warm-up {name}: non-201 {s}" for s in r.get("samples", [])]
                    if r["other_status"] or r["socket_errors"]:
                        warmup_problems.append(
                            f"warm-up {name}: {r['other_status']} non-201, {r['socket_errors']} socket errors"
                        )
        for warn in warmup_problems:
            print(f"  {warn}")
        for round_no in range(1, args.rounds + 1):
            for name in per_round:
                time.sleep(1)  # let the previous run's connections drain
                load = load_for(name, args.duration, seed + round_no)
                if name == "detail":
                    r = measured(server, dbname, load)
                else:
                    r = order_segment(server, dbname, fx, name, load, args.connections)
                per_round[name].append(r)
                print_segment(f"round {round_no}: {name}", r)
            if server.proc.poll() is not None:
                raise BenchError(f"gunicorn died during the run:\n{server.log_tail()}")
        closed = {name: median_of(rs) for name, rs in per_round.items()}

        if not args.skip_open_loop:
            print(f"\nopen loop (constant rate, {args.open_loop_duration}s each, latency from the scheduled time):")
            for name in ORDER_SCENARIOS:
                rate = (
                    args.open_loop_rate
                    if (args.open_loop_rate and name == "spread")
                    else args.open_loop_fraction * closed[name]["rps"]
                )
                time.sleep(1)
                r = order_segment(
                    server,
                    dbname,
                    fx,
                    name,
                    lambda n=name, rt=rate: run_open_loop(
                        server.port, n, files, rt, args.open_loop_duration, args, workdir, seed + 100
                    ),
                    None,  # the generator waits for every answer, except those it timed out
                )
                r["socket_errors"] = r["errors"] + r["dropped"]
                open_loop[name] = r
                print_segment(f"{name} @ {rate:.0f}/s", r)
                print(
                    f"    p90 {fmt_ms(r['p90_us'])} ms, p99.9 {fmt_ms(r['p999_us'])} ms, max {fmt_ms(r['max_us'])} ms;"
                    f" service time p50 {fmt_ms(r['service_p50_us'])} / p99 {fmt_ms(r['service_p99_us'])} ms; "
                    f"generator lag p99 {fmt_ms(r['lag_p99_us'])} ms; max in flight {r['max_in_flight']}"
                )
    finally:
        sweeps.stop()
        stop_gunicorn(server)
        logged_errors = server_errors(server.log_path)
        if args.keep_logs:
            print(f"\nlogs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print_table(closed, open_loop, args.rounds, args.connections, floors)
    print(f"  {sweeps.summary()}")

    problems = list(warmup_problems)
    for name, r in [*closed.items(), *((f"open loop {n}", r) for n, r in open_loop.items())]:
        problems += [f"{name}: {p}" for p in r.get("problems", [])]
        if r["other_status"] or r["socket_errors"]:
            problems.append(f"{name}: {r['other_status']:.0f} non-2xx/201 answers, {r['socket_errors']:.0f} errors")
    spread_rps = closed["spread"]["rps"]
    tput_ok = spread_rps >= TARGET_ORDERS_PER_S
    print(
        f"\n{'PASS' if tput_ok else 'FAIL'}: spread orders at {spread_rps:.0f} orders/s "
        f"(target >= {TARGET_ORDERS_PER_S:.0f}, {args.connections} clients)"
    )
    p99_ok = None
    if "spread" in open_loop:
        ol = open_loop["spread"]
        p99_ms = ol["p99_us"] / 1000
        p99_ok = p99_ms <= TARGET_P99_MS
        print(
            f"{'PASS' if p99_ok else 'FAIL'}: spread p99 {p99_ms:.1f} ms at a constant {ol['rate']:.0f} orders/s "
            f"({ol['rate'] / spread_rps:.0%} of the measured maximum; target <= {TARGET_P99_MS:.0f} ms at 70 %)"
        )
    if floors:
        print(floors.noop_target_line())
    print(
        f"{'PASS' if not problems else 'FAIL'}: integrity — every answer 201 and the database agrees "
        "(orders = 201s, stock out = units ordered = units held)"
    )
    for p in problems:
        print(f"  - {p}")
    if logged_errors:
        print("errors in the gunicorn log:")
        for line in logged_errors:
            print(f"  {line}")
    verdict = "PASS" if tput_ok and p99_ok is not False and not problems else "FAIL"
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "revision": git_revision(),
                    "cpus": os.cpu_count(),
                    "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "dataset": dataset,
                    "sweeps": {"rounds": sweeps.rounds, "done": sweeps.done},
                    "closed_loop": closed,
                    "rounds": per_round,
                    "open_loop": open_loop,
                    "floors": floors.as_json() if floors else None,
                    "problems": problems,
                    "server_errors": logged_errors,
                    "verdict": verdict,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    run_main(main)
