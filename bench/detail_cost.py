"""CPU per product page against health, in-process (issue 22: "product detail ≥ 80 % of health").

Each request is a WSGI call in this process through the whole stack (the pages' middleware, no
token), timed with ``time.process_time``: the figures hold on a busy machine, unlike req/s, and
leave out what PostgreSQL and Redis spend (the HTTP bench's "db CPU" column has that). Health is
``SELECT 1`` plus a Redis ``PING``; the product page cycles over up to 200 on-shelf ids in the
HTTP bench's order (``common/data.py``), so after the first pass every page is a warm one, as
under wrk. Cases take turns, round by round; the best round of each is reported, with the
statements and Redis commands one warm product page runs, and the CPU the PostgreSQL backend
spent per request (from /proc).

    .venv/bin/python bench/detail_cost.py [--requests 4000] [--rounds 3] [--profile]
        [--database-url postgres://postgres@127.0.0.1:5432/fx_h_detail_bench] [--redis-url redis://127.0.0.1:6379/4]

The database is created, migrated and seeded (``fenxiao seed_demo``) on first use, like the HTTP
bench's. ``--profile`` prints a pyinstrument profile of the product pages (``pip install
pyinstrument``; it is not a project dependency)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from common.base import ROOT, BenchError  # noqa: E402
from common.cpu import _proc_stat  # noqa: E402
from common.database import ensure_database, setup_django  # noqa: E402
from common.wsgi import with_body, wsgi_call, wsgi_environ  # noqa: E402

HEALTH = "/api/v1/health"


def environ(path: str) -> dict:
    return wsgi_environ(path)


def call(app, template: dict) -> str:
    return wsgi_call(app, with_body(template))[0]


def cost_us(app, templates: list[dict], n: int, backend: int) -> tuple[float, float]:
    """(app, database) CPU µs per request: this process's, and its PostgreSQL backend's from /proc
    (10 ms ticks, so only a few thousand requests make that figure steady)."""
    db_before = _proc_stat(backend)
    started = time.process_time()
    for i in range(n):
        call(app, templates[i % len(templates)])
    app_us = (time.process_time() - started) / n * 1e6
    db_after = _proc_stat(backend)
    db_us = (db_after[1] - db_before[1]) / n * 1e6 if db_before and db_after else float("nan")
    return app_us, db_us


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=4000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/fx_h_detail_bench")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    p.add_argument("--profile", action="store_true", help="pyinstrument profile of the product pages")
    args = p.parse_args()
    env = {
        "DJANGO_SETTINGS_MODULE": "fenxiao.settings",
        "DATABASE_URL": args.database_url,
        "DB_CONN_MAX_AGE": "600",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WECHAT_MODE": "sandbox",
        "WECHAT_SANDBOX_ALLOWED": "true",
        "SWEEP_IN_PROCESS": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "REDIS_URL": args.redis_url,
    }
    try:
        ensure_database(args.database_url, reset=False)
        setup_django(env)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from common.data import prepare_data, request_paths

        prepare_data(argparse.Namespace(seed="demo"), env)
    except BenchError as exc:
        raise SystemExit(f"setup: {exc}") from exc
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    cache.clear()
    details = [environ(path) for path in request_paths()["product detail"]]
    health = [environ(HEALTH)]
    for template in details + health * 50:  # warm: the first pass renders and caches every page
        status = call(app, template)
        if not status.startswith("200"):
            raise SystemExit(f"{template['PATH_INFO']} answered {status}")
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):  # (the request cycle empties connection.queries)
        call(app, details[0])
    redis_calls = redis_commands(app, details[0])
    print(f"{len(details)} product pages; {args.requests} requests per case and round, CPU µs per request")
    print(f"a warm product page: {len(queries)} SQL statement(s), {redis_calls} Redis command(s)")
    for q in queries:
        print(f"  {q[:160]}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    best: dict[str, float] = {}
    db: dict[str, list[float]] = {"health": [], "detail": []}
    for round_no in range(1, args.rounds + 1):
        figures = {}
        for name, templates in (("health", health), ("detail", details)):
            figures[name], db_us = cost_us(app, templates, args.requests, backend)
            best[name] = min(best.get(name, figures[name]), figures[name])
            db[name].append(db_us)
        ratio = figures["health"] / figures["detail"]
        print(
            f"round {round_no}: app CPU health {figures['health']:7.1f} µs, detail {figures['detail']:7.1f} µs,"
            f" detail runs at {ratio:6.1%} of health's rate; PostgreSQL backend CPU"
            f" health {db['health'][-1]:5.0f} µs, detail {db['detail'][-1]:5.0f} µs"
        )
    print(
        f"best: health {best['health']:.1f} µs, detail {best['detail']:.1f} µs,"
        f" detail at {best['health'] / best['detail']:.1%} of health"
        f" (database, median: health {sorted(db['health'])[len(db['health']) // 2]:.0f} µs,"
        f" detail {sorted(db['detail'])[len(db['detail']) // 2]:.0f} µs)"
    )
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for i in range(args.requests):
            call(app, details[i % len(details)])
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def redis_commands(app, template: dict) -> int:
    """Commands one request sends to Redis, counted on the client the cache backend keeps."""
    import redis

    sent = 0
    original = redis.Redis.execute_command

    def counting(self, *a, **kw):
        nonlocal sent
        sent += 1
        return original(self, *a, **kw)

    redis.Redis.execute_command = counting
    try:
        call(app, template)
    finally:
        redis.Redis.execute_command = original
    return sent


if __name__ == "__main__":
    main()
