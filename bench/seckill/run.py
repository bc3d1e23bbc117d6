"""Seckill benchmark: a crowd of buyers against one activity, over HTTP, gunicorn + PostgreSQL + Redis.

    .venv/bin/python bench/seckill/run.py [--buyers 5000] [--units 1000] [--attempts 4] [--connections 64]

One activity with ``--units`` units (per-user limit 1) and ``--buyers`` shoppers, each with an
access token and a default address. wrk sends every buyer's ``--attempts`` attempts at
``POST /api/v1/seckill/{id}/orders`` (the first pass sells the units, the later passes are the crowd
that keeps pressing the button), waits for every answer and stops. Then, against the same server,
``GET /api/v1/health`` for ``--health-duration`` seconds (the framework floor), and
``redis-benchmark`` calling the gate's Lua script with EVALSHA on a sold-out copy of the gate's keys
(the physical ceiling of the refusals).

It prints requests handled per second, the 201 count, p50/p99, health's rate and the EVALSHA
rate, and both ratios, then checks the database and Redis after the sale: sold = orders = 201
answers = ``--units``, every other answer a 409 "sold out" or "limit reached", nobody over the limit,
the SKU's stock down by the units sold, and the Redis gate equal to the database (stock left =
stock - sold, buyers hash = units held per user in the database).

Exit status: 0 verified and targets met, 1 verification failed, 2 setup error, 3 verified but a
performance target missed. See bench/README.md, "Seckill".

Before the sale, with the same server settings and wrk connections, the two floors of every HTTP
bench (``common/floors.py``): the bare WSGI app, and a no-op view through the API's lane (a buyer's
bearer token) and through the pages' stack. The summary gives the seckill rate as a share of both
and the target "seckill >= 3,000 req/s and >= 40% of bare" (part of exit status 3), and the floors'
own "no-op with bearer >= 60% of bare" (printed only). ``--floor-duration 0`` skips them.

The server runs without the in-process sweeper (it would cancel the unpaid seckill orders and
reset the gate). The sweeps that change no shop data (``core.planner_statistics``) still run
beside it every ``--sweep-interval`` s (default ``SWEEP_INTERVAL_SECONDS`` or 60), from a thread of
this process, as a live mall runs them and as ``orders_bench.py`` does (``common/sweeps.py``):
without them a fresh bench database would keep, for the whole run, the plans its connections made
while its tables were nearly empty. ``--sweeps none`` leaves them out.

The data, load and checks are the sibling modules of this package; the shared plumbing (database
creation, migrate, gunicorn, /proc CPU accounting, wrk for GETs) comes from ``../common/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: common and this package
from common.base import HOST, ROOT, BenchError, fmt_ms, fmt_opt, git_revision, run_main
from common.cpu import loadavg, measured
from common.database import ensure_database, run_fenxiao, setup_django, wait_quiet
from common.dbstats import describe
from common.floors import add_floor_options, bench_floors, cpu_cost, server_description
from common.loaders import WRK_INSTALL_HINT, run_wrk
from common.server import add_server_option, server_errors, start_server, stop_gunicorn, wait_healthy
from common.server import server_env as common_server_env
from common.sweeps import add_sweep_options, sweep_thread
from seckill.checks import redis_ceiling, verify
from seckill.fixtures import create_activity, prepare_fixtures
from seckill.load import port_in_range, preflight, run_wrk_seckill

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fx_bench_seckill"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
TARGET_RPS = 3_000.0
TARGET_HEALTH_RATIO = 0.50
TARGET_BARE_RATIO = 0.40
ACCESS_TTL_SECONDS = 7 * 24 * 3600
ANCHORS = (
    ("newbee-mall-plus (Java, 6 cores)", 798.0),
    ("mall4j (Java, 4 cores + separate DB and Redis)", 2_000.0),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--buyers", type=int, default=5_000, help="shoppers with a token and an address (default 5000)")
    p.add_argument("--units", type=int, default=1_000, help="units of the activity (default 1000; 0: refusals only)")
    p.add_argument("--limit", type=int, default=1, help="per-user limit (default 1)")
    p.add_argument("--attempts", type=int, default=4, help="attempts per buyer (default 4)")
    p.add_argument("--connections", type=int, default=64, help="concurrent connections for wrk (default 64)")
    add_server_option(p)
    p.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    p.add_argument("--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn worker class")
    p.add_argument(
        "--threads", type=int, default=4, help="threads per worker: gunicorn gthread, granian blocking threads"
    )
    p.add_argument("--health-duration", type=int, default=15, help="seconds of GET /api/v1/health (default 15)")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up on a separate activity (default 3)")
    p.add_argument("--max-duration", type=int, default=300, help="upper bound of the seckill run in s (default 300)")
    p.add_argument("--timeout", type=int, default=10, help="per-request timeout in seconds (default 10)")
    add_floor_options(p, duration=10, rounds=1)
    p.add_argument(
        "--evalsha-requests", type=int, default=200_000, help="redis-benchmark -n (default 200000; 0 skips it)"
    )
    p.add_argument("--evalsha-clients", type=int, default=50, help="redis-benchmark -c (default 50)")
    p.add_argument("--ports", default="8100-8199", help="port range for gunicorn (default 8100-8199)")
    p.add_argument("--seed", type=int, default=20261126, help="seeds the order of the attempts")
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_SECKILL_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"dedicated PostgreSQL database (env BENCH_SECKILL_DATABASE_URL; default {DEFAULT_DATABASE_URL})",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_SECKILL_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"REDIS_URL for the server (env BENCH_SECKILL_REDIS_URL; default {DEFAULT_REDIS_URL})",
    )
    p.add_argument("--conn-max-age", type=int, default=600, help="DB_CONN_MAX_AGE for the server (default 600)")
    add_sweep_options(p)
    p.add_argument("--reset-db", action="store_true", help="drop and recreate the bench database first")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument("--keep-logs", action="store_true", help="keep the temporary directory with the gunicorn log")
    args = p.parse_args(argv)
    if min(args.buyers, args.limit, args.attempts, args.connections, args.workers) < 1 or args.units < 0:
        p.error("--buyers, --limit, --attempts, --connections and --workers must be >= 1, --units >= 0")
    if not args.redis_url:
        p.error("--redis-url is required: the benchmark measures the Redis gate")
    lo, _, hi = args.ports.partition("-")
    args.port_range = (int(lo), int(hi or lo))
    args.app = "fenxiao.wsgi:application"  # read by common.server.start_gunicorn
    return args


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = common_server_env(args)
    env.update(
        # Nothing may cancel the unpaid seckill orders (and give units back) during the run.
        SWEEP_IN_PROCESS="false",
        CELERY_BROKER_URL="",
        # Tokens are issued by this process and checked by the server: same key, long life.
        JWT_SIGNING_KEY=env["SECRET_KEY"],
        JWT_ACCESS_TTL_SECONDS=str(ACCESS_TTL_SECONDS),
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
    )
    return env


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError(WRK_INSTALL_HINT.split("\nor run")[0])
    env = server_env(args)
    print(f"Fenxiao seckill bench  (rev {git_revision()}, {os.cpu_count()} CPUs, load average {loadavg()})")
    print("database:")
    dbname = ensure_database(args.database_url, args.reset_db)
    print("  fenxiao migrate")
    run_fenxiao(env, "migrate", "--noinput", "-v", "0")
    setup_django(env)
    fx = prepare_fixtures(args)
    warm_id = create_activity(fx, name="秒杀压测预热", units=50, limit=args.limit)
    activity_id = create_activity(fx, name="秒杀压测", units=args.units, limit=args.limit)
    from django.db import connections

    from fenxiao.inventory.models import Stock

    connections.close_all()
    print(
        f"  {len(fx.buyers)} buyers with tokens and addresses; activity {activity_id}: {args.units} units, "
        f"limit {args.limit}; {args.attempts} attempts per buyer = {len(fx.buyers) * args.attempts} requests"
    )

    workdir = Path(tempfile.mkdtemp(prefix="fenxiao-seckill-bench-"))
    buyers_file = workdir / "buyers.txt"
    buyers_file.write_text("".join(f"{t} {a}\n" for _, t, a in fx.buyers))
    health_file = workdir / "health.txt"
    health_file.write_text("/api/v1/health\n")
    total = len(fx.buyers) * args.attempts

    print(
        f"server: {server_description(args)}, DB_CONN_MAX_AGE={args.conn_max_age}, "
        f"REDIS_URL={args.redis_url}, SWEEP_IN_PROCESS=false, DEBUG=false"
    )
    floors = bench_floors(
        args,
        env,
        workdir,
        wrk=wrk,
        token=fx.buyers[0][1],
        dbname=dbname,
        pick_port=lambda: port_in_range(*args.port_range),
    )
    server = start_server(args, env, workdir, port=port_in_range(*args.port_range))
    sweeps = sweep_thread(args)
    try:
        wait_healthy(server)
        print(f"  listening on http://{HOST}:{server.port}")
        preflight(server.port, fx, activity_id)
        print("  preflight: the activity is on sale; a forged token is refused with 401")
        sweeps.start()
        if args.warmup > 0:
            run_wrk_seckill(wrk, server.port, warm_id, buyers_file, args, mode="loop", duration=args.warmup)
            run_wrk(wrk, server.port, health_file, args.warmup, args.connections, 1, args.timeout)
        time.sleep(1)
        wait_quiet()
        sku_before = Stock.objects.values_list("quantity", flat=True).get(pk=fx.sku_id)
        connections.close_all()

        print(f"load: wrk -t1 -c{args.connections}, {total} seckill requests, then {args.health_duration}s of health")
        sale = measured(
            server,
            dbname,
            lambda: run_wrk_seckill(
                wrk, server.port, activity_id, buyers_file, args, mode="once", duration=args.max_duration
            ),
        )
        problems = verify(args, activity_id, sale, total, sku_before)
        time.sleep(1)
        health = measured(
            server,
            dbname,
            lambda: run_wrk(wrk, server.port, health_file, args.health_duration, args.connections, 1, args.timeout),
        )
        if server.proc.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{server.log_tail()}")
    finally:
        sweeps.stop()
        stop_gunicorn(server)
        logged_errors = server_errors(server.log_path)
        if args.keep_logs:
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    ceiling = redis_ceiling(args) if args.evalsha_requests > 0 else None

    health_ratio = sale["rps"] / health["rps"]
    redis_ratio = sale["rps"] / ceiling["rps"] if ceiling else None
    print()
    header = (
        f"{'':<34} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'app CPU ms/req':>15} {'db CPU ms/req':>14} "
        f"{'wrk CPU ms/req':>15} {'rows scanned/req':>17} {'other CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for label, r in ((f"POST seckill ({total} requests)", sale), ("GET /api/v1/health", health)):
        print(
            f"{label:<34} {r['rps']:>9.1f} {fmt_ms(r['p50_us']):>7} {fmt_ms(r['p99_us']):>7} "
            f"{fmt_opt(r['app_cpu_ms_per_req']):>15} {fmt_opt(r['db_cpu_ms_per_req']):>14} "
            f"{fmt_opt(r['loader_cpu_ms_per_req']):>15} {fmt_opt(r.get('rows_scanned_per_req'), ',.1f'):>17} "
            f"{fmt_opt(r['other_cpu_cores']):>6} cores"
        )
    for label, r in (("seckill", sale), ("health", health)):
        print(f"  cost, {label}: db {fmt_opt(r['db_cpu_ms_per_req'])} CPU-ms/req, {describe(r)}")
    if ceiling:
        print(
            f"{'redis-benchmark EVALSHA (take)':<34} {ceiling['rps']:>9.1f} {ceiling['p50_ms']:>7.2f} "
            f"{ceiling['p99_ms']:>7.2f}   (-c {args.evalsha_clients}, sold-out keys, answer {ceiling['answer']})"
        )
    print(f"  {sweeps.summary()}")
    codes = ", ".join(f"{c} {n}" for c, n in sorted(sale.get("codes", {}).items()))
    print(
        f"\nseckill: {sale['requests']:.0f} answers in {sale['duration_us'] / 1e6:.2f} s; 201 (orders) "
        f"{sale['created']:.0f}, first after {sale['first_created_after_us'] / 1e3:.0f} ms, sold out after "
        f"{sale['last_created_after_us'] / 1e3:.0f} ms; refused: {codes or 'none'}"
    )
    print(
        f"  {sale['fillers']} filler GETs went out after the last seckill request (wrk wanted more; "
        f"{sale['filler_answers']} answered before the end), {sale['wrk_requests'] - sale['requests']:.0f} "
        "of them in wrk's latency figures"
    )
    print(f"  worker CPU split: {' / '.join(f'{s:.0%}' for s in sale['worker_shares'])}; load {sale['loadavg']}")
    print(f"  seckill / health  = {health_ratio:.0%}   (target >= {TARGET_HEALTH_RATIO:.0%})")
    if floors:
        print(f"  seckill vs floors = {floors.ratio_text(sale['rps'], bearer=True)}   (target >= 40% of bare)")
        print(f"    by CPU cost: {floors.cost_text(sale, bearer=True)}")
    if redis_ratio is not None:
        print(f"  seckill / EVALSHA = {redis_ratio:.1%}  (the share of Redis's own ceiling the HTTP path reaches)")
    for name, rps in ANCHORS:
        print(f"  anchor {name}: {rps:.0f}/s -> this run is {sale['rps'] / rps:.2f} x")
    cost = cpu_cost(sale)
    if cost:
        print(
            f"  cross-check: {cost:.2f} CPU-ms per seckill request (app + db + wrk) -> about "
            f"{(os.cpu_count() or 1) * 1000 / cost:.0f} req/s if this box ran nothing else; health "
            f"{cpu_cost(health):.2f} CPU-ms -> seckill / health by CPU cost = {cpu_cost(health) / cost:.0%}"
        )

    rps_ok = sale["rps"] >= TARGET_RPS
    ratio_ok = health_ratio >= TARGET_HEALTH_RATIO
    print(f"\n{'PASS' if rps_ok else 'FAIL'}: {sale['rps']:.0f} seckill requests handled/s (target >= 3000)")
    print(f"{'PASS' if ratio_ok else 'FAIL'}: {health_ratio:.0%} of the health endpoint's rate (target >= 50%)")
    bare_ok = None
    if floors:
        bare_ratio = floors.pct_bare(sale["rps"])
        bare_ok = rps_ok and bare_ratio >= TARGET_BARE_RATIO
        print(
            f"{'PASS' if bare_ok else 'FAIL'}: seckill {sale['rps']:.0f} req/s and {bare_ratio:.0%} of bare "
            f"(target >= 3,000 req/s and >= {TARGET_BARE_RATIO:.0%} of bare)"
        )
        print(floors.noop_target_line())
    print(
        f"{'PASS' if not problems else 'FAIL'}: verification — orders = sold = 201s = {min(args.units, args.buyers)}, "
        "nobody over the limit, Redis = database"
    )
    for p in problems:
        print(f"  - {p}")
    for sample in sale.get("samples", []):
        print(f"  unexpected answer: {sample}")
    if logged_errors:
        print("errors in the gunicorn log:")
        for line in logged_errors:
            print(f"  {line}")
    if args.json:
        sale.pop("order_ids", None)
        args.json.write_text(
            json.dumps(
                {
                    "revision": git_revision(),
                    "cpus": os.cpu_count(),
                    "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "seckill": sale,
                    "health": health,
                    "evalsha": ceiling,
                    "floors": floors.as_json() if floors else None,
                    "sweeps": {"rounds": sweeps.rounds, "done": sweeps.done},
                    "ratios": {
                        "health": health_ratio,
                        "bare": floors.pct_bare(sale["rps"]) if floors else None,
                        "noop_bearer": floors.pct_noop(sale["rps"], bearer=True) if floors else None,
                        "evalsha": redis_ratio,
                        "health_by_cpu_cost": cpu_cost(health) / cpu_cost(sale) if cpu_cost(sale) else None,
                    },
                    "problems": problems,
                    "server_errors": logged_errors,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
    if problems:
        return 1
    return 0 if rps_ok and ratio_ok and bare_ok is not False else 3


if __name__ == "__main__":
    run_main(main)
