"""CPU of one order placement in process: ``POST /api/v1/orders`` with a bearer token, each a WSGI call
to the app in this process, timed with ``time.process_time`` (so another process's load does not
enter it, unlike orders/s), on the orders bench's database and shoppers (issue 22).

    .venv/bin/python bench/order_cost.py [--orders 2000] [--rounds 3] [--profile FILE.html]

Run ``orders_bench.py`` once first: it creates, migrates and seeds the database. The orders are
spread orders as the bench places them (1 or 2 random SKUs, 1-2 units each, seeded), with the
server's settings (``DEBUG=false``, no unpaid-order cap, Redis). Prints per round the app CPU-ms
per order (this process: Django, Ninja, psycopg's client side) and the SQL statements per order.
With ``--cprofile FILE`` a round runs under cProfile with a CPU clock, saves its stats and prints
each part of an order's share of the CPU (the table in bench/README.md, "Where an order's CPU
goes"); with ``--profile`` a last round runs under pyinstrument (wall clock; a dev tool:
``.venv/bin/pip install pyinstrument``) and writes its HTML report and prints the text one."""

from __future__ import annotations

import argparse
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

from common.wsgi import wsgi_call, wsgi_environ  # noqa: E402
from orders_bench import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL  # noqa: E402


def environ(body: bytes, token: str) -> dict:
    return wsgi_environ("/api/v1/orders", method="POST", body=body, headers={"Authorization": f"Bearer {token}"})


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
    for body, token in requests:
        status, content = wsgi_call(app, environ(body, token))
        if not status.startswith("201"):
            raise SystemExit(f"an order answered {status}: {content[:300]!r}")


# The parts of an order, as (label, [(file suffix, function)], [(file suffix, function) it is called
# from, or None for every caller]): each part is the cumulative CPU of those functions. They do not
# overlap; "the rest" is what no part names (WSGI, middleware, Django's request and response).
PARTS: list[tuple[str, list[tuple[str, str, tuple[str, str] | None]]]] = [
    ("authentication (token, user row)", [("ninja/operation.py", "_run_authentication", None)]),
    ("request body parsing and validation (Ninja)", [("ninja/operation.py", "_get_values", None)]),
    ("quote: SKUs with products (1 SELECT)", [("orders/checkout.py", "quote_lines", None)]),
    ("quote: address (1 SELECT)", [("orders/checkout.py", "address_for", None)]),
    ("quote: shipping templates (Redis version read)", [("orders/checkout.py", "shipping_fee", None)]),
    (
        "the order and its lines (INSERTs, building the rows)",
        [
            ("core/statements.py", "rows_insert", ("orders/services.py", "_order_place")),
            ("django/db/models/base.py", "__init__", ("orders/services.py", "_order_place")),
            ("django/db/models/base.py", "__init__", ("orders/services.py", "<listcomp>")),
        ],
    ),
    ("stock take and reservations", [("inventory/reservations.py", "stock_reserve", None)]),
    ("referral snapshot (settings, chain, INSERT)", [("distribution/commission/booking.py", "on_order_placed", None)]),
    ("client trace (INSERT)", [("risk/traces/hooks.py", "on_order_placed", None)]),
    ("order event (INSERT)", [("orders/transitions.py", "order_event_add", None)]),
    ("the answer: order_dict", [("orders/api/schemas/orders.py", "order_dict", None)]),
    ("the answer: validation, dump, JSON", [("ninja/operation.py", "_result_to_response", None)]),
    (
        "COMMIT and the transaction",
        [("django/db/transaction.py", "__enter__", None), ("django/db/transaction.py", "__exit__", None)],
    ),
    ("URL resolution", [("django/core/handlers/base.py", "resolve_request", None)]),
]


def print_parts(stats: dict, orders: int) -> None:
    """Each part's share of an order's CPU in the cProfile round (bench/README.md, "Where an
    order's CPU goes")."""

    def cumulative(suffix: str, function: str, caller: tuple[str, str] | None) -> float:
        total = 0.0
        for (path, _line, name), (_cc, _nc, _tt, ct, callers) in stats.items():
            if not (path.endswith(suffix) and name == function):
                continue
            if caller is None:
                total += ct
            else:
                total += sum(v[3] for (cp, _cl, cn), v in callers.items() if cp.endswith(caller[0]) and cn == caller[1])
        return total

    whole = cumulative("django/core/handlers/wsgi.py", "__call__", None)
    print(f"\nparts of an order (cProfile, CPU clock: {whole / orders * 1e3:.1f} ms per order under the profiler)")
    named = 0.0
    for label, functions in PARTS:
        part = sum(cumulative(*f) for f in functions)
        named += part
        print(f"  {label:<55} {part / whole * 100:5.1f} %")
    print(f"  {'the rest: WSGI, middleware, Django request/response':<55} {(whole - named) / whole * 100:5.1f} %")


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
        stats = pstats.Stats(cpu_profile)
        stats.sort_stats("cumulative").print_stats(40)
        print_parts(stats.stats, args.orders)
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
