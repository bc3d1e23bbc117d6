"""CPU of one order placement in process: ``POST /api/v1/orders`` with a bearer token, each a WSGI call
to the app in this process, timed with ``time.process_time`` (so another process's load does not
enter it, unlike orders/s), on the orders bench's database and shoppers (issue 22).

    .venv/bin/python bench/order_cost.py [--orders 2000] [--rounds 3] [--profile FILE.html]

Run ``orders_bench.py`` once first: it creates, migrates and seeds the database. The orders are
spread orders as the bench places them (1 or 2 random SKUs, 1-2 units each, seeded), with the
server's settings (``DEBUG=false``, no unpaid-order cap, Redis). Prints per round the app CPU-ms
per order (this process: Django, Ninja, psycopg's client side) and the SQL statements per order.
With ``--profile`` a last round runs under pyinstrument (a dev tool: ``.venv/bin/pip install
pyinstrument``) and writes its HTML report and prints the text one."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
if not os.environ.get("PYTHONPATH"):  # else the code under test is the one PYTHONPATH names
    sys.path.insert(0, str(BENCH.parent / "src"))

from orders_bench import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL  # noqa: E402


def environ(body: bytes, token: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/orders",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def bodies(shoppers: list[tuple[str, int]], skus: list[int], n: int, seed: int) -> list[tuple[bytes, str]]:
    """The spread scenario of ``orders.lua``: shoppers in turn, 1 or 2 distinct SKUs, 1-2 units each."""
    rnd = random.Random(seed)
    result = []
    for i in range(n):
        token, address = shoppers[i % len(shoppers)]
        picked = rnd.sample(skus, rnd.randint(1, 2))
        lines = [{"sku_id": sku, "quantity": rnd.randint(1, 2)} for sku in picked]
        result.append((json.dumps({"lines": lines, "address_id": address}).encode(), token))
    return result


def place(app, requests: list[tuple[bytes, str]]) -> None:
    status: list[str] = []

    def start_response(s, h, exc_info=None):
        status.append(s)

    for body, token in requests:
        result = app(environ(body, token), start_response)
        content = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        if not status[-1].startswith("201"):
            raise SystemExit(f"an order answered {status[-1]}: {content[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--profile", type=Path, help="a last round under pyinstrument; its HTML report here")
    parser.add_argument(
        "--cprofile", type=Path, help="a last round under cProfile with a CPU clock; its stats file here"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_ORDERS_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_ORDERS_REDIS_URL", DEFAULT_REDIS_URL))
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fenxiao.settings",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DB_CONN_MAX_AGE="600",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WECHAT_MODE="sandbox",
        WECHAT_SANDBOX_ALLOWED="true",
        LOG_LEVEL="WARNING",
        SWEEP_IN_PROCESS="false",
        ORDER_MAX_UNPAID_ORDERS="0",
    )
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from order_placement.fixtures import prepare_fixtures

    fixtures = prepare_fixtures(argparse.Namespace(users=args.users, hot_stock=1_000_000, spread_stock=100_000))
    app = get_wsgi_application()
    place(app, bodies(fixtures.shoppers, fixtures.spread_skus, 200, seed=0))  # warm: imports, caches
    sent: list[str] = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        place(app, bodies(fixtures.shoppers, fixtures.spread_skus, 50, seed=1))
    print(f"SQL statements per order: {len(sent) / 50:.2f} (50 spread orders, 1.5 lines each)")
    for r in range(args.rounds):
        requests = bodies(fixtures.shoppers, fixtures.spread_skus, args.orders, seed=100 + r)
        started, wall = time.process_time(), time.perf_counter()
        place(app, requests)
        cpu, elapsed = time.process_time() - started, time.perf_counter() - wall
        print(
            f"round {r + 1}: {cpu / args.orders * 1e3:.3f} app CPU-ms/order, "
            f"{elapsed / args.orders * 1e3:.3f} wall-ms/order ({args.orders} spread orders)"
        )
    if args.cprofile:
        import cProfile
        import pstats

        requests = bodies(fixtures.shoppers, fixtures.spread_skus, args.orders, seed=998)
        cpu_profile = cProfile.Profile(time.process_time)
        cpu_profile.enable()
        place(app, requests)
        cpu_profile.disable()
        cpu_profile.dump_stats(args.cprofile)
        stats = pstats.Stats(cpu_profile).sort_stats("cumulative")
        stats.print_stats(60)
    if args.profile:
        from pyinstrument import Profiler

        requests = bodies(fixtures.shoppers, fixtures.spread_skus, args.orders, seed=999)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        place(app, requests)
        profiler.stop()
        args.profile.write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
