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

Prints orders/s, p50/p99, non-201 counts and PASS/FAIL for the targets (issue 3 §9):
spread >= 300 orders/s, and spread p99 <= 100 ms at 70 % of the maximum. Exit status: 0 PASS,
1 FAIL, 2 setup error. Shared plumbing (database, gunicorn, /proc CPU accounting, wrk for GETs)
comes from ``http_bench.py``; see bench/README.md, "Order placement".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_bench as hb  # bench/ helpers: database, gunicorn, CPU accounting

ROOT = hb.ROOT
ORDERS_LUA = hb.BENCH_DIR / "orders.lua"
HOST = hb.HOST
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fenxiao_bench_orders"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
TARGET_ORDERS_PER_S = 300.0
TARGET_P99_MS = 100.0
BENCH_USER_PREFIX = "bench_shopper_"
ACCESS_TTL_SECONDS = 7 * 24 * 3600
QUANTITY_RE = re.compile(rb'"quantity":\s*(\d+)')
ORDER_ID_RE = re.compile(rb'^\{"id":\s*(\d+)')
ORDER_SCENARIOS = ("spread", "hot")


class BenchError(hb.BenchError):
    pass


# --------------------------------------------------------------------------------------------
# Command line and environment
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    hb.add_server_option(p)
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
    # the attributes http_bench's helpers read
    args.app = "fenxiao.wsgi:application"
    args.worker_class = "sync"
    return args


def server_description(args: argparse.Namespace) -> str:
    if args.server == "granian":
        return f"granian {args.workers} x {args.threads} blocking threads"
    return f"gunicorn {args.workers} x sync"


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = hb.server_env(args)
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


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


# --------------------------------------------------------------------------------------------
# Bench data: shoppers, tokens, stock
# --------------------------------------------------------------------------------------------


@dataclass
class Fixtures:
    shoppers: list[tuple[str, int]]  # (access token, address id)
    spread_skus: list[int]
    hot_sku: int
    detail_paths: list[str]


def prepare_fixtures(args: argparse.Namespace) -> Fixtures:
    from django.db import connection, transaction

    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue
    from fenxiao.catalog.models import SKU_MAX_STOCK, Sku

    if not 0 < args.hot_stock <= SKU_MAX_STOCK or not 0 < args.spread_stock <= SKU_MAX_STOCK:
        raise BenchError(f"--hot-stock and --spread-stock must be in 1..{SKU_MAX_STOCK} (catalog.SKU_MAX_STOCK)")
    with transaction.atomic():
        existing = {u.username: u for u in User.objects.filter(username__startswith=BENCH_USER_PREFIX)}
        users = []
        for i in range(args.users):
            name = f"{BENCH_USER_PREFIX}{i:04d}"
            user = existing.get(name)
            if user is None:
                user = User(username=name, openid=f"bench-orders-{i:04d}", nickname=f"压测用户{i}")
                user.set_unusable_password()
                user.save()
            users.append(user)
        address_of = hb.default_addresses(
            users,
            receiver=lambda i: f"压测{i}",
            phone=lambda i: f"1380000{i:04d}",
            district="西湖区",
            street=lambda i: f"文三路{i + 1}号",
        )
        sku_ids = list(
            Sku.objects.filter(is_active=True, product__is_on_shelf=True, price_fen__gt=0)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if len(sku_ids) < 100:
            raise BenchError(f"only {len(sku_ids)} active on-shelf SKUs: the spread scenario needs a large set")
        hot, spread = sku_ids[0], sku_ids[1:]
        # Fresh stock for every run: the checks compare before/after, and nothing may run out.
        Sku.objects.filter(pk__in=spread).update(stock=args.spread_stock)
        Sku.objects.filter(pk=hot).update(stock=args.hot_stock)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    shoppers = [
        (token_pair_issue(user_id=u.id, scope="user", version=u.token_version).access, address_of[u.id]) for u in users
    ]
    detail_paths = hb.request_paths()["product detail"]
    return Fixtures(shoppers=shoppers, spread_skus=spread, hot_sku=hot, detail_paths=detail_paths)


@dataclass
class DbState:
    order_max: int
    line_max: int
    reservation_max: int
    total_stock: int
    hot_stock: int


def db_state(fx: Fixtures) -> DbState:
    from django.db.models import Max, Sum

    from fenxiao.catalog.models import Sku
    from fenxiao.inventory.models import StockReservation
    from fenxiao.orders.models import Order, OrderLine

    return DbState(
        order_max=Order.objects.aggregate(m=Max("id"))["m"] or 0,
        line_max=OrderLine.objects.aggregate(m=Max("id"))["m"] or 0,
        reservation_max=StockReservation.objects.aggregate(m=Max("id"))["m"] or 0,
        total_stock=Sku.objects.aggregate(s=Sum("stock"))["s"] or 0,
        hot_stock=Sku.objects.get(pk=fx.hot_sku).stock,
    )


def wait_quiet(timeout: float = 20.0) -> None:
    """Wait until the server has finished what the loader left behind: a loader that stops hangs up
    on requests already in gunicorn's backlog, and those orders are still placed. No bench
    connection may be busy and the order count must hold still, so segment boundaries are exact."""
    from django.db import connection

    from fenxiao.orders.models import Order

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            busy = cursor.fetchone()[0]
        now = (busy, Order.objects.count())
        if busy == 0 and now == last:
            return
        last = now
        time.sleep(0.3)
    raise BenchError(f"the server did not go quiet within {timeout:.0f}s after the load stopped")


def verify(fx: Fixtures, before: DbState, scenario: str, answer: dict, cut_off_allowed: int) -> tuple[list[str], int]:
    """What the database says happened during one load segment, against the answers received.
    Returns the failed checks (empty: all good) and how many orders were placed whose answer the
    loader never read (it stopped with them in flight; at most ``cut_off_allowed``)."""
    from django.db import connections
    from django.db.models import Count, F, Sum

    from fenxiao.inventory.models import StockReservation
    from fenxiao.orders.models import Order, OrderLine

    wait_quiet()
    after = db_state(fx)
    created, units = int(answer["created"]), int(answer["units"])
    answered = [int(i) for i in answer.get("order_ids", [])]
    orders = Order.objects.filter(id__gt=before.order_max)
    new_ids = set(orders.values_list("id", flat=True))
    lines = OrderLine.objects.filter(id__gt=before.line_max).aggregate(n=Count("id"), u=Sum("quantity"))
    answered_units = (
        OrderLine.objects.filter(order_id__in=answered).aggregate(u=Sum("quantity"))["u"] or 0 if answered else 0
    )
    res = StockReservation.objects.filter(id__gt=before.reservation_max)
    res_all = res.aggregate(n=Count("id"), u=Sum("quantity"))
    res_held = res.filter(state=StockReservation.State.HELD).aggregate(n=Count("id"), u=Sum("quantity"))
    not_pending = orders.exclude(status="pending_payment").count()
    bad_deadline = orders.exclude(
        payment_deadline__gte=F("created_at") + timedelta(minutes=29),
        payment_deadline__lte=F("created_at") + timedelta(minutes=31),
    ).count()
    line_units = lines["u"] or 0
    stock_out = before.total_stock - after.total_stock
    hot_out = before.hot_stock - after.hot_stock
    cut_off = len(new_ids - set(answered))
    problems = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    check(len(answered) == created, f"{created} answers 201 but {len(answered)} carried an order id")
    check(len(set(answered)) == len(answered), "two 201 answers carried the same order id")
    missing = set(answered) - new_ids
    check(not missing, f"{len(missing)} orders answered 201 are not in the database")
    check(answered_units == units, f"units of the answered orders: {answered_units} in the DB, {units} in the bodies")
    check(
        cut_off <= cut_off_allowed,
        f"{cut_off} orders in the DB without a 201 answer (at most {cut_off_allowed}: in flight at the end or "
        "timed out)",
    )
    check(stock_out == line_units, f"stock decreased by {stock_out} != units in the new order lines {line_units}")
    check(
        (res_held["u"] or 0) == line_units and (res_all["u"] or 0) == line_units,
        f"reservations held {res_held['u'] or 0} / all {res_all['u'] or 0} units != units ordered {line_units}",
    )
    check(res_all["n"] == lines["n"], f"{res_all['n']} reservations for {lines['n']} order lines")
    expected_hot = len(new_ids) if scenario == "hot" else 0
    check(hot_out == expected_hot, f"hot SKU stock decreased by {hot_out}, expected {expected_hot}")
    check(not_pending == 0, f"{not_pending} new orders are not pending payment")
    check(bad_deadline == 0, f"{bad_deadline} new orders without a payment deadline 30 min after creation")
    check(after.hot_stock > 0, "the hot SKU ran out of stock: raise --hot-stock")
    connections.close_all()  # no connection of ours stays open under load
    return problems, cut_off


# --------------------------------------------------------------------------------------------
# Load: wrk (closed loop) and the open-loop generator
# --------------------------------------------------------------------------------------------


def run_wrk_orders(
    wrk: str, port: int, scenario: str, files: dict[str, Path], duration: int, args: argparse.Namespace, seed: int
) -> dict:
    cmd = [
        wrk,
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        f"--timeout={args.timeout}s",
        "--latency",
        "-s",
        str(ORDERS_LUA),
        f"http://{HOST}:{port}",
        "--",
        scenario,
        str(files["users"]),
        str(files[scenario]),
        str(seed),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + args.timeout + 30)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise BenchError(f"could not parse wrk output (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def order_body(rng: random.Random, scenario: str, skus: list[int], address_id: int) -> bytes:
    """The same baskets as orders.lua."""
    if scenario == "hot":
        lines = [{"sku_id": skus[0], "quantity": 1}]
    else:
        picked = rng.sample(skus, 2 if rng.random() < 0.5 else 1)
        lines = [{"sku_id": s, "quantity": rng.randint(1, 2)} for s in picked]
    return json.dumps({"lines": lines, "address_id": address_id}).encode()


def open_loop_worker(config_path: Path) -> int:
    """Child process: send ``rate`` requests per second for ``duration`` seconds, each on its own
    connection at its scheduled time whether or not earlier ones have answered (open loop, like
    wrk2). Latency is measured from the scheduled time; service time from the connect. Prints one
    ``OPEN_LOOP {json}`` line."""
    cfg = json.loads(config_path.read_text())
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    rng = random.Random(cfg["seed"])
    users = [(line.split()[0], int(line.split()[1])) for line in Path(cfg["users"]).read_text().splitlines() if line]
    skus = [int(s) for s in Path(cfg["skus"]).read_text().split()]
    port, rate, duration, timeout = cfg["port"], cfg["rate"], cfg["duration"], cfg["timeout"]
    total = int(rate * duration)
    max_in_flight = cfg.get("max_in_flight", 2000)
    requests = []
    for i in range(total):
        token, address_id = users[i % len(users)]
        body = order_body(rng, cfg["scenario"], skus, address_id)
        requests.append(
            (
                f"POST /api/v1/orders HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )

    latencies: list[float] = []
    services: list[float] = []
    lags: list[float] = []
    statuses: dict[str, int] = {}
    samples: list[str] = []
    order_ids: list[int] = []
    counts = {"created": 0, "units": 0, "errors": 0, "dropped": 0, "in_flight": 0, "max_in_flight": 0}

    async def one(payload: bytes, due: float, loop: asyncio.AbstractEventLoop) -> None:
        started = loop.time()
        lags.append(started - due)
        counts["in_flight"] += 1
        counts["max_in_flight"] = max(counts["max_in_flight"], counts["in_flight"])
        writer = None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(payload)
                raw = await reader.read()  # Connection: close -> read to EOF
            finished = loop.time()
            head, _, body = raw.partition(b"\r\n\r\n")
            status = head.split(b" ", 2)[1].decode() if head.startswith(b"HTTP/") else "bad"
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(finished - due)
            services.append(finished - started)
            if status == "201":
                counts["created"] += 1
                counts["units"] += sum(int(q) for q in QUANTITY_RE.findall(body))
                if m := ORDER_ID_RE.match(body):
                    order_ids.append(int(m.group(1)))
            elif len(samples) < 3:
                samples.append(f"{status}: {body[:300].decode(errors='replace')}")
        except (OSError, TimeoutError, IndexError):
            counts["errors"] += 1
        finally:
            counts["in_flight"] -= 1
            if writer is not None:
                writer.close()

    async def main() -> float:
        loop = asyncio.get_running_loop()
        tasks = set()
        start = loop.time() + 0.2
        for i, payload in enumerate(requests):
            due = start + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if counts["in_flight"] >= max_in_flight:
                counts["dropped"] += 1
                continue
            task = asyncio.create_task(one(payload, due, loop))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=timeout + 5)
        return loop.time() - start

    elapsed = asyncio.run(main())
    latencies.sort()
    services.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1e6 if values else 0.0

    out = {
        "scheduled": total,
        "rate": rate,
        "duration_us": elapsed * 1e6,
        "requests": len(latencies),
        "created": counts["created"],
        "units": counts["units"],
        "other_status": sum(v for k, v in statuses.items() if k != "201"),
        "statuses": statuses,
        "errors": counts["errors"],
        "dropped": counts["dropped"],
        "max_in_flight": counts["max_in_flight"],
        "p50_us": pct(latencies, 50),
        "p90_us": pct(latencies, 90),
        "p99_us": pct(latencies, 99),
        "p999_us": pct(latencies, 99.9),
        "max_us": latencies[-1] * 1e6 if latencies else 0.0,
        "service_p50_us": pct(services, 50),
        "service_p99_us": pct(services, 99),
        "lag_p99_us": pct(sorted(lags), 99),
        "lag_max_us": max(lags) * 1e6 if lags else 0.0,
        "samples": samples,
        "order_ids": order_ids,
    }
    print("OPEN_LOOP " + json.dumps(out), flush=True)
    return 0


def run_open_loop(port: int, scenario: str, files: dict[str, Path], rate: float, duration: int, args, workdir, seed):
    config = workdir / f"open_loop_{scenario}.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "scenario": scenario,
                "users": str(files["users"]),
                "skus": str(files[scenario]),
                "rate": rate,
                "duration": duration,
                "timeout": args.timeout,
                "seed": seed,
            }
        )
    )
    cmd = [sys.executable, str(Path(__file__).resolve()), "--open-loop-worker", str(config)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 2 * args.timeout + 120)
    for line in result.stdout.splitlines():
        if line.startswith("OPEN_LOOP "):
            return json.loads(line.removeprefix("OPEN_LOOP "))
    raise BenchError(f"open-loop generator failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")


# --------------------------------------------------------------------------------------------
# Measuring one segment
# --------------------------------------------------------------------------------------------


def measured(server: hb.Server, dbname: str, load) -> dict:
    """Run ``load()`` and add CPU accounting (gunicorn, PostgreSQL backends, loader, the rest)."""
    before_children = hb.children_cpu()
    before = hb.cpu_snapshot(server.proc.pid, dbname)
    busy_before, t_before = hb.machine_busy()
    load_before = loadavg()
    result = load()
    busy_after, t_after = hb.machine_busy()
    after = hb.cpu_snapshot(server.proc.pid, dbname)
    used = hb.cpu_delta(before, after)
    loader_cpu = hb.children_cpu() - before_children
    n = max(1.0, result["requests"])
    other = busy_after - busy_before - used["app"] - used["db"] - loader_cpu
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["app_cpu_ms_per_req"] = used["app"] * 1000 / n
    result["db_cpu_ms_per_req"] = used["db"] * 1000 / n
    result["loader_cpu_ms_per_req"] = loader_cpu * 1000 / n
    result["other_cpu_cores"] = max(0.0, other) / (t_after - t_before) if busy_after else None
    result["worker_shares"] = hb.worker_shares(before, after, server.proc.pid)
    result["loadavg"] = load_before
    result.setdefault(
        "socket_errors",
        result.get("connect_errors", 0)
        + result.get("read_errors", 0)
        + result.get("write_errors", 0)
        + result.get("timeouts", 0),
    )
    return result


def wrk_detail_result(r: dict) -> dict:
    r["created"] = 0
    r["units"] = 0
    r["other_status"] = r["non_2xx_3xx"]
    return r


def order_segment(server, dbname, fx, scenario, load, cut_off_allowed: int | None) -> dict:
    from django.db import connections

    wait_quiet()
    before = db_state(fx)
    connections.close_all()
    r = measured(server, dbname, load)
    if cut_off_allowed is None:  # open loop: only requests the client gave up on (timeouts)
        cut_off_allowed = int(r.get("errors", 0))
    r["problems"], r["cut_off"] = verify(fx, before, scenario, r, cut_off_allowed)
    r.pop("order_ids", None)
    return r


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.1f}"


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
    ):
        values = [r[key] for r in results if r.get(key) is not None]
        merged[key] = statistics.median(values) if values else None
    for key in ("requests", "created", "units", "other_status", "socket_errors"):
        merged[key] = sum(r.get(key, 0) for r in results)
    merged["rps_per_round"] = [r["rps"] for r in results]
    merged["p99_per_round"] = [r["p99_us"] for r in results]
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
    if r.get("cut_off"):
        print(f"    (+{r['cut_off']} orders placed whose answer the loader never read: in flight when it stopped)")
    for sample in r.get("samples", []):
        print(f"    non-201 sample: {sample}")
    for problem in r.get("problems", []):
        print(f"    CHECK FAILED: {problem}")


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def server_errors(log_path: Path, limit: int = 8) -> list[str]:
    """The distinct errors gunicorn logged (a 500 is logged with its traceback): each ERROR line
    with the final exception of the traceback after it, counted."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    found: dict[str, int] = {}
    skip = ("Traceback", "DETAIL", "HINT", "The above", "During handling")
    for i, line in enumerate(lines):
        if " ERROR " not in line and "[ERROR]" not in line:
            continue
        cause = ""
        for follow in lines[i + 1 :]:
            if " ERROR " in follow or "[ERROR]" in follow:
                break
            if follow.strip() and not follow[0].isspace() and not follow.startswith(skip):
                cause = follow.strip()  # the last one is the exception that reached the handler
        key = line.split(" ", 3)[-1][:160] + (f" -> {cause[:300]}" if cause else "")
        found[key] = found.get(key, 0) + 1
    return [f"{n} x {k}" for k, n in sorted(found.items(), key=lambda kv: -kv[1])[:limit]]


def preflight_orders(port: int, fx: Fixtures) -> None:
    token, address_id = fx.shoppers[0]
    for skus in ([fx.spread_skus[0]], [fx.hot_sku]):
        body = json.dumps({"lines": [{"sku_id": skus[0], "quantity": 1}], "address_id": address_id}).encode()
        req = urllib.request.Request(
            f"http://{HOST}:{port}/api/v1/orders",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                if resp.status != 201:
                    raise BenchError(f"preflight order answered {resp.status}: {resp.read()[:300]!r}")
        except urllib.error.HTTPError as exc:
            raise BenchError(f"preflight order answered {exc.code}: {exc.read()[:300]!r}") from exc


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.open_loop_worker:
        return open_loop_worker(args.open_loop_worker)
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError(hb.WRK_INSTALL_HINT.split("\nor run")[0])
    env = server_env(args)
    print(f"Fenxiao order placement bench  (rev {hb.git_revision()}, {os.cpu_count()} CPUs, load average {loadavg()})")
    print("database:")
    dbname = hb.ensure_database(args.database_url, args.reset_db)
    print("  fenxiao migrate")
    hb.run_fenxiao(env, "migrate", "--noinput", "-v", "0")
    hb.setup_django(env)
    dataset = hb.prepare_data(args, env)
    fx = prepare_fixtures(args)
    from django.db import connections

    connections.close_all()
    print(
        f"  {dataset['on_shelf']} on-shelf / {dataset['products']} products, {dataset['skus']} SKUs; "
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
    server = hb.start_server(args, env, workdir)
    seed = 20261125
    per_round: dict[str, list[dict]] = {"spread": [], "hot": [], "detail": []}
    open_loop: dict[str, dict] = {}
    warmup_problems: list[str] = []

    def load_for(name: str, duration: int, seed_: int):
        if name == "detail":
            return lambda: wrk_detail_result(
                hb.run_wrk(
                    wrk, server.port, files["detail"], duration, args.connections, args.wrk_threads, args.timeout
                )
            )
        return lambda: run_wrk_orders(wrk, server.port, name, files, duration, args, seed_)

    try:
        hb.wait_healthy(server)
        print(f"  listening on http://{HOST}:{server.port}")
        hb.preflight(server.port, {"detail": fx.detail_paths})
        preflight_orders(server.port, fx)
        print("  preflight: every detail path answered 200, a spread and a hot order answered 201")
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
        hb.stop_gunicorn(server)
        logged_errors = server_errors(server.log_path)
        if args.keep_logs:
            print(f"\nlogs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nmedians over {args.rounds} round(s), {args.connections} connections (closed loop, wrk):")
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
            f"{r['other_status']:>8.0f} {r['socket_errors']:>7.0f} {hb.fmt_opt(r['app_cpu_ms_per_req']):>15} "
            f"{hb.fmt_opt(r['db_cpu_ms_per_req']):>14} {hb.fmt_opt(r['other_cpu_cores']):>6} cores"
        )
    for name in ORDER_SCENARIOS:
        print(f"  {name} orders/s per round: " + " / ".join(f"{x:.0f}" for x in closed[name]["rps_per_round"]))
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
                    "revision": hb.git_revision(),
                    "cpus": os.cpu_count(),
                    "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "dataset": dataset,
                    "closed_loop": closed,
                    "rounds": per_round,
                    "open_loop": open_loop,
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
    try:
        sys.exit(main())
    except hb.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
