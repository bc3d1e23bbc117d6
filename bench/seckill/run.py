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

Shared plumbing (database creation, migrate, gunicorn, /proc CPU accounting, wrk for GETs) comes from
``../http_bench.py`` and ``../orders_bench.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH_DIR))
import http_bench as hb  # noqa: E402  (bench/ helpers: database, gunicorn, CPU accounting)
import orders_bench as ob  # noqa: E402  (CPU-accounted segments, waiting for a quiet server, log errors)

SECKILL_LUA = Path(__file__).resolve().parent / "seckill.lua"
HOST = hb.HOST
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fx_bench_seckill"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
TARGET_RPS = 3_000.0
TARGET_HEALTH_RATIO = 0.50
BUYER_PREFIX = "bench_seckill_"
SKU_CODE = "BENCH-SECKILL-1"
ACCESS_TTL_SECONDS = 7 * 24 * 3600
REFUSALS = {"SECKILL_SOLD_OUT", "SECKILL_LIMIT_REACHED"}
ANCHORS = (
    ("newbee-mall-plus (Java, 6 cores)", 798.0),
    ("mall4j (Java, 4 cores + separate DB and Redis)", 2_000.0),
)


class BenchError(hb.BenchError):
    pass


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--buyers", type=int, default=5_000, help="shoppers with a token and an address (default 5000)")
    p.add_argument("--units", type=int, default=1_000, help="units of the activity (default 1000; 0: refusals only)")
    p.add_argument("--limit", type=int, default=1, help="per-user limit (default 1)")
    p.add_argument("--attempts", type=int, default=4, help="attempts per buyer (default 4)")
    p.add_argument("--connections", type=int, default=64, help="concurrent connections for wrk (default 64)")
    hb.add_server_option(p)
    p.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    p.add_argument("--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn worker class")
    p.add_argument(
        "--threads", type=int, default=4, help="threads per worker: gunicorn gthread, granian blocking threads"
    )
    p.add_argument("--health-duration", type=int, default=15, help="seconds of GET /api/v1/health (default 15)")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up on a separate activity (default 3)")
    p.add_argument("--max-duration", type=int, default=300, help="upper bound of the seckill run in s (default 300)")
    p.add_argument("--timeout", type=int, default=10, help="per-request timeout in seconds (default 10)")
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
    args.app = "fenxiao.wsgi:application"  # read by http_bench.start_gunicorn
    return args


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = hb.server_env(args)
    env.update(
        # Nothing may cancel the unpaid seckill orders (and give units back) during the run.
        SWEEP_IN_PROCESS="false",
        CELERY_BROKER_URL="",
        # Tokens are issued by this process and checked by the server: same key, long life.
        JWT_SIGNING_KEY=env["SECRET_KEY"],
        JWT_ACCESS_TTL_SECONDS=str(ACCESS_TTL_SECONDS),
        MEDIA_ROOT=str(hb.ROOT / "var" / "bench-media"),
    )
    return env


def port_in_range(lo: int, hi: int) -> int:
    for port in range(lo, hi + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    raise BenchError(f"no free port in {lo}-{hi}")


# --------------------------------------------------------------------------------------------
# Data: one SKU, the buyers with tokens and addresses, a fresh activity per run
# --------------------------------------------------------------------------------------------


@dataclass
class Fixtures:
    buyers: list[tuple[int, str, int]]  # (user id, access token, address id)
    sku_id: int


def prepare_fixtures(args: argparse.Namespace) -> Fixtures:
    from django.db import connection, transaction

    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue
    from fenxiao.catalog.models import Category, Product, Sku, Supplier
    from fenxiao.core.redis import redis_client

    # The bench's own Redis db starts empty: activity ids start again at 1 in another bench
    # database, and that run's gate keys (seeded only where absent) would stand in for this one's.
    redis_client().flushdb()
    with transaction.atomic():
        supplier = Supplier.objects.get_or_create(name="秒杀压测供应商")[0]
        category = Category.objects.get_or_create(name="秒杀压测", parent=None)[0]
        product = Product.objects.get_or_create(
            code="BENCH-SECKILL",
            defaults={"supplier": supplier, "category": category, "title": "秒杀压测商品", "is_on_shelf": True},
        )[0]
        sku = Sku.objects.get_or_create(
            code=SKU_CODE,
            defaults={"product": product, "specs": {"规格": "标准装"}, "price_fen": 9_900, "weight_g": 250},
        )[0]
        # Regular stock for every run's winners (each seckill order holds one unit of it too).
        Sku.objects.filter(pk=sku.pk).update(stock=10 * (args.units + 100))
        existing = dict(User.objects.filter(username__startswith=BUYER_PREFIX).values_list("username", "id"))
        missing = [
            User(
                username=f"{BUYER_PREFIX}{i:05d}",
                openid=f"bench-seckill-{i:05d}",
                nickname=f"秒杀用户{i}",
                password="!",
            )
            for i in range(args.buyers)
            if f"{BUYER_PREFIX}{i:05d}" not in existing
        ]
        User.objects.bulk_create(missing, batch_size=1000)
        users = list(
            User.objects.filter(username__in=[f"{BUYER_PREFIX}{i:05d}" for i in range(args.buyers)]).order_by("id")
        )
        address_of = hb.default_addresses(
            users,
            receiver=lambda i: f"秒杀{i}",
            phone=lambda i: f"139{i:08d}",
            district="余杭区",
            street=lambda i: f"文一西路{i + 1}号",
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    buyers = [
        (u.id, token_pair_issue(user_id=u.id, scope="user", version=u.token_version).access, address_of[u.id])
        for u in users
    ]
    return Fixtures(buyers=buyers, sku_id=sku.pk)


def create_activity(fx: Fixtures, *, name: str, units: int, limit: int) -> int:
    from django.db import transaction
    from django.utils import timezone

    from fenxiao.promotions.seckill.activities import seckill_activity_create

    now = timezone.now()
    with transaction.atomic():  # the service's after-commit work (seeding the gate) runs as in the API
        activity = seckill_activity_create(
            fields={
                "name": name,
                "sku_id": fx.sku_id,
                "seckill_price_fen": 990,
                "stock": units,
                "per_user_limit": limit,
                "starts_at": now - timedelta(minutes=1),
                "ends_at": now + timedelta(hours=2),
                "payment_minutes": 30,
            }
        )
    return activity.pk


# --------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------


def run_wrk_seckill(
    wrk: str, port: int, activity_id: int, buyers_file: Path, args: argparse.Namespace, *, mode: str, duration: int
) -> dict:
    cmd = [
        wrk,
        "-t1",
        f"-c{args.connections}",
        f"-d{duration}s",
        f"--timeout={args.timeout}s",
        "--latency",
        "-s",
        str(SECKILL_LUA),
        f"http://{HOST}:{port}",
        "--",
        str(activity_id),
        str(buyers_file),
        str(args.attempts),
        str(args.seed),
        mode,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + args.timeout + 60)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            r = json.loads(line.removeprefix("BENCH_RESULT "))
            if mode == "once":
                # Seckill answers only (not the fillers), from the first request to the last answer.
                r["wrk_requests"], r["requests"] = r["requests"], r["answered"]
                if r["elapsed_us"] > 0:
                    r["duration_us"] = r["elapsed_us"]
            return r
    raise BenchError(f"could not parse wrk output (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def preflight(port: int, fx: Fixtures, activity_id: int) -> None:
    """The activity is on sale for a signed-in shopper, and a forged token is refused with 401."""
    _, token, _ = fx.buyers[0]
    for auth, want in ((f"Bearer {token}", 200), (f"Bearer {token[:-4]}AAAA", 401)):
        req = urllib.request.Request(
            f"http://{HOST}:{port}/api/v1/seckill/{activity_id}", headers={"Authorization": auth}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        if status != want or (want == 200 and json.loads(body)["state"] not in ("on_sale", "sold_out")):
            raise BenchError(f"preflight GET /api/v1/seckill/{activity_id} answered {status}: {body[:300]!r}")
    req = urllib.request.Request(
        f"http://{HOST}:{port}/api/v1/seckill/{activity_id}/orders",
        data=b'{"address_id": 1}',
        headers={"Authorization": f"Bearer {token[:-4]}AAAA", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        urllib.request.urlopen(req, timeout=10)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 401:
        raise BenchError(f"a forged token posting to the seckill answered {status}, not 401")


def sold_out_gate(client, gate, now_ms: int) -> tuple[list[str], list[int | str]]:
    """Keys and arguments of one take at a sold-out gate for activity id 0 (no activity has it),
    seeded here as the sale leaves a real one: no stock, the window open, 1,000 buyers holding one."""
    keys = gate.keys(0)
    client.delete(*keys)
    rules = gate.Rules(starts_ms=now_ms - 60_000, ends_ms=now_ms + 3_600_000, limit=1, paused=False)
    gate.gate_seed(activity_id=0, remaining=0, held={u: 1 for u in range(1, 1001)}, rules=rules)
    return keys, [5_000, now_ms, "ceiling"]


def redis_ceiling(args: argparse.Namespace) -> dict:
    """redis-benchmark calling the gate's take script with EVALSHA on a sold-out copy of the gate's
    keys (activity id 0, which no activity has): what Redis alone can refuse per second."""
    import redis

    from fenxiao.promotions.seckill import gate

    tool = shutil.which("redis-benchmark")
    if not tool:
        raise BenchError("redis-benchmark not found (apt-get install -y redis-tools)")
    client = redis.Redis.from_url(args.redis_url)
    keys, argv = sold_out_gate(client, gate, int(time.time() * 1000))
    sha = client.script_load(gate.TAKE)
    pool = client.connection_pool.connection_kwargs
    cmd = [
        tool,
        "-h",
        str(pool.get("host", "127.0.0.1")),
        "-p",
        str(pool.get("port", 6379)),
        "--dbnum",
        str(pool.get("db", 0)),
        "-n",
        str(args.evalsha_requests),
        "-c",
        str(args.evalsha_clients),
        "--csv",
        "EVALSHA",
        sha,
        str(len(keys)),
        *keys,
        *[str(a) for a in argv],
    ]
    try:
        code = client.evalsha(sha, len(keys), *keys, *argv)
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    finally:
        client.delete(*keys)
    rows = [line for line in result.stdout.splitlines() if line.startswith('"EVALSHA')]
    if result.returncode != 0 or not rows:
        raise BenchError(f"redis-benchmark failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    fields = [f.strip('"') for f in rows[-1].split('","')]
    return {"rps": float(fields[1]), "p50_ms": float(fields[4]), "p99_ms": float(fields[6]), "answer": int(code)}


# --------------------------------------------------------------------------------------------
# After the sale: the database and Redis against the answers
# --------------------------------------------------------------------------------------------


def verify(args: argparse.Namespace, activity_id: int, answer: dict, total: int, sku_stock_before: int) -> list[str]:
    import redis
    from django.db import connections
    from django.db.models import Count

    from fenxiao.catalog.models import Sku
    from fenxiao.orders.models import Order
    from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus
    from fenxiao.promotions.seckill import gate

    ob.wait_quiet()
    problems: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    a = SeckillActivity.objects.get(pk=activity_id)
    expected = min(args.units, args.buyers * args.limit)
    kept = SeckillPurchase.objects.filter(activity=a).exclude(status=SeckillPurchaseStatus.RETURNED)
    held = dict(kept.values("user_id").annotate(n=Count("pk")).values_list("user_id", "n"))
    placed = kept.filter(status=SeckillPurchaseStatus.PLACED).count()
    order_ids = set(Order.objects.filter(seckill_purchase__activity=a).values_list("id", flat=True))
    answered_ids = [int(i) for i in answer.get("order_ids", [])]
    sku_stock = Sku.objects.values_list("stock", flat=True).get(pk=a.sku_id)

    check(answer["requests"] == total, f"{answer['requests']:.0f} answers for {total} requests")
    check(a.sold == expected, f"sold {a.sold}, expected {expected}")
    check(placed == a.sold == sum(held.values()), f"{placed} placed, {sum(held.values())} held, sold {a.sold}")
    check(len(order_ids) == a.sold, f"{len(order_ids)} orders for {a.sold} units sold")
    check(answer["created"] == a.sold, f"{answer['created']:.0f} answers 201 for {a.sold} units sold")
    check(set(answered_ids) == order_ids, "the order ids answered 201 differ from the orders in the database")
    over = {u: n for u, n in held.items() if n > args.limit}
    check(not over, f"{len(over)} users over the limit of {args.limit}")
    check(sku_stock_before - sku_stock == a.sold, f"SKU stock down by {sku_stock_before - sku_stock}, sold {a.sold}")
    unexpected = {c: n for c, n in answer.get("codes", {}).items() if c not in REFUSALS}
    check(not unexpected, f"answers other than 201 / sold out / limit reached: {unexpected}")
    errors = sum(answer.get(k, 0) for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    check(errors == 0, f"{errors:.0f} socket errors or timeouts")

    client = redis.Redis.from_url(args.redis_url)
    left = client.get(gate.stock_key(a.pk))
    buyers = {int(k): int(v) for k, v in client.hgetall(gate.buyers_key(a.pk)).items()}
    check(left is not None and int(left) == a.stock - a.sold, f"Redis stock {left!r}, stock - sold {a.stock - a.sold}")
    check(buyers == held, f"Redis buyers hash ({len(buyers)} users) != units held in the database ({len(held)} users)")
    connections.close_all()
    return problems


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def cpu_cost(r: dict) -> float:
    """CPU-ms per request of the server, PostgreSQL and wrk: steadier than req/s on a shared box."""
    return sum(r.get(k) or 0.0 for k in ("app_cpu_ms_per_req", "db_cpu_ms_per_req", "loader_cpu_ms_per_req"))


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError(hb.WRK_INSTALL_HINT.split("\nor run")[0])
    env = server_env(args)
    print(f"Fenxiao seckill bench  (rev {hb.git_revision()}, {os.cpu_count()} CPUs, load average {ob.loadavg()})")
    print("database:")
    dbname = hb.ensure_database(args.database_url, args.reset_db)
    print("  fenxiao migrate")
    hb.run_fenxiao(env, "migrate", "--noinput", "-v", "0")
    hb.setup_django(env)
    fx = prepare_fixtures(args)
    warm_id = create_activity(fx, name="秒杀压测预热", units=50, limit=args.limit)
    activity_id = create_activity(fx, name="秒杀压测", units=args.units, limit=args.limit)
    from django.db import connections

    from fenxiao.catalog.models import Sku

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

    hb.free_port = lambda: port_in_range(*args.port_range)  # start_gunicorn binds what this returns
    if args.server == "granian":
        worker_desc = f"granian {args.workers} x {args.threads} blocking threads"
    else:
        threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
        worker_desc = f"gunicorn {args.workers} x {args.worker_class}{threads}"
    print(
        f"server: {worker_desc}, DB_CONN_MAX_AGE={args.conn_max_age}, "
        f"REDIS_URL={args.redis_url}, SWEEP_IN_PROCESS=false, DEBUG=false"
    )
    server = hb.start_server(args, env, workdir)
    try:
        hb.wait_healthy(server)
        print(f"  listening on http://{HOST}:{server.port}")
        preflight(server.port, fx, activity_id)
        print("  preflight: the activity is on sale; a forged token is refused with 401")
        if args.warmup > 0:
            run_wrk_seckill(wrk, server.port, warm_id, buyers_file, args, mode="loop", duration=args.warmup)
            hb.run_wrk(wrk, server.port, health_file, args.warmup, args.connections, 1, args.timeout)
        time.sleep(1)
        ob.wait_quiet()
        sku_before = Sku.objects.values_list("stock", flat=True).get(pk=fx.sku_id)
        connections.close_all()

        print(f"load: wrk -t1 -c{args.connections}, {total} seckill requests, then {args.health_duration}s of health")
        sale = ob.measured(
            server,
            dbname,
            lambda: run_wrk_seckill(
                wrk, server.port, activity_id, buyers_file, args, mode="once", duration=args.max_duration
            ),
        )
        problems = verify(args, activity_id, sale, total, sku_before)
        time.sleep(1)
        health = ob.measured(
            server,
            dbname,
            lambda: hb.run_wrk(wrk, server.port, health_file, args.health_duration, args.connections, 1, args.timeout),
        )
        if server.proc.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{server.log_tail()}")
    finally:
        hb.stop_gunicorn(server)
        logged_errors = ob.server_errors(server.log_path)
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
        f"{'wrk CPU ms/req':>15} {'other CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for label, r in ((f"POST seckill ({total} requests)", sale), ("GET /api/v1/health", health)):
        print(
            f"{label:<34} {r['rps']:>9.1f} {fmt_ms(r['p50_us']):>7} {fmt_ms(r['p99_us']):>7} "
            f"{hb.fmt_opt(r['app_cpu_ms_per_req']):>15} {hb.fmt_opt(r['db_cpu_ms_per_req']):>14} "
            f"{hb.fmt_opt(r['loader_cpu_ms_per_req']):>15} {hb.fmt_opt(r['other_cpu_cores']):>6} cores"
        )
    if ceiling:
        print(
            f"{'redis-benchmark EVALSHA (take)':<34} {ceiling['rps']:>9.1f} {ceiling['p50_ms']:>7.2f} "
            f"{ceiling['p99_ms']:>7.2f}   (-c {args.evalsha_clients}, sold-out keys, answer {ceiling['answer']})"
        )
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
                    "revision": hb.git_revision(),
                    "cpus": os.cpu_count(),
                    "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "seckill": sale,
                    "health": health,
                    "evalsha": ceiling,
                    "ratios": {
                        "health": health_ratio,
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
    return 0 if rps_ok and ratio_ok else 3


if __name__ == "__main__":
    try:
        sys.exit(main())
    except hb.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
