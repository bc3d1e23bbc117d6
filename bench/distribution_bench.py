"""Distribution benchmark, in-process against PostgreSQL: what commission costs a payment, and how
fast a settlement sweep turns a backlog of matured commission into withdrawable money.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fenxiao_bench_distribution \\
        .venv/bin/python bench/distribution_bench.py [--orders 300] [--records 100000] [--distributors 2000]

Two measurements in one run:

(a) Payment notification handling per order. Every order is placed and prepared through the real
    services and WeChat's TRANSACTION.SUCCESS notification is built by the payment sandbox (real
    signature, real encryption) before the clock starts; the clock covers ``notification_handle``:
    verification, decryption, the claim, the orders handler, COMMIT, and the on-commit event
    handlers. Three kinds of order, interleaved so that drift hits them alike:
      - ``with``: the buyer is bound under a 2-level chain, distribution's handlers book commission
        (two records, one ledger posting);
      - ``unbound``: the buyer has no referrer; the handlers run and find nothing to book;
      - ``off``: distribution's ``order_paid`` handler unsubscribed (the mall without distribution).
    It prints mean, p50 and p99 per order and the ratio with/off (target <= 2x).

(b) Settlement: ``--records`` commission records (default 100,000) over ``--distributors``
    distributors (default 2,000), 2 levels on 2-line orders, all past their freeze. Orders, lines
    and records are written with ``bulk_create`` and their accrual posted to the ledger in bulk
    (one balanced ``commission_accrue`` transaction per 1,000 orders instead of one per order:
    settlement never reads accrual transactions, only the pending balances they leave, which are
    the same). Then ``VACUUM ANALYZE`` (a settled-in database, not one full of fresh dead
    statistics), and the clock covers ``sweep_settle_commission(now=...)``. It prints records/s
    (target >= 20,000/s) and where the time went (each SQL statement kind and COMMIT, timed
    through a Django execute wrapper), then checks that every record is settled, every pending
    balance is zero, every available balance equals its records and ``ledger_check()`` is clean.

The database is a throwaway: it is dropped and created again at the start (its name must contain
``bench``) and dropped at the end unless ``--keep-db``. Its URL comes from ``--database-url``, else
``BENCH_DATABASE_URL``, else ``DATABASE_URL``, else the default below. Exit status: 0 when both
targets are met, 1 when one is missed, 2 on a setup error. The two measurements are in
``commission/``."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from commission.payments import measure_payments, print_payments
from commission.settlement import measure_settlement, print_settlement
from common.base import BenchError, git_revision, run_main
from common.database import ensure_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fenxiao_bench_distribution"
TARGET_RATIO = 2.0
TARGET_RECORDS_PER_S = 20_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"throwaway PostgreSQL database, name containing 'bench' (default {DEFAULT_DATABASE_URL})",
    )
    p.add_argument("--orders", type=int, default=300, help="timed orders per kind in (a) (default 300)")
    p.add_argument("--warmup", type=int, default=20, help="untimed orders per kind first (default 20)")
    p.add_argument("--records", type=int, default=100_000, help="commission records to settle in (b) (default 100000)")
    p.add_argument("--distributors", type=int, default=2_000, help="distributors earning them (default 2000)")
    p.add_argument("--buyers", type=int, default=5_000, help="shoppers who placed the orders of (b) (default 5000)")
    p.add_argument("--skip-payments", action="store_true", help="skip measurement (a)")
    p.add_argument("--skip-settlement", action="store_true", help="skip measurement (b)")
    p.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    p.add_argument(
        "--cprofile",
        action="store_true",
        help="run the settlement sweep under cProfile and print where Python spends its time (slows it down)",
    )
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    args = p.parse_args(argv)
    if args.orders < 1 or args.records < 4 or args.distributors < 2 or args.buyers < 1:
        p.error("--orders >= 1, --records >= 4, --distributors >= 2, --buyers >= 1")
    return args


def setup_django(database_url: str, sandbox: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fenxiao.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        WECHAT_MODE="sandbox",
        WECHAT_SANDBOX_ALLOWED="true",
        WECHATPAY_SANDBOX_DIR=str(sandbox),
        SWEEP_IN_PROCESS="false",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(sandbox / "media"),
    )
    os.environ.pop("REDIS_URL", None)  # in-process cache: the figures are about the database
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"Fenxiao distribution bench  (rev {git_revision()}, {os.cpu_count()} CPUs, load {os.getloadavg()})")
    if "bench" not in urlsplit(args.database_url).path:
        raise BenchError(f"the database is dropped and recreated: its name must contain 'bench' ({args.database_url})")
    print("database:")
    ensure_database(args.database_url, reset=True)
    results: dict = {"revision": git_revision(), "config": {k: str(v) for k, v in vars(args).items()}}
    with tempfile.TemporaryDirectory(prefix="fenxiao-distribution-bench-") as sandbox:
        try:
            setup_django(args.database_url, Path(sandbox))
            from django.db import connection

            print(f"  migrated {connection.settings_dict['NAME']} (PostgreSQL {connection.pg_version // 10000})")
            if not args.skip_payments:
                results["payments"] = measure_payments(args)
                print_payments(results["payments"])
            if not args.skip_settlement:
                print(f"\n(b) seeding {args.records:,} matured records ...")
                results["settlement"] = measure_settlement(args)
                print_settlement(results["settlement"])
        finally:
            from django.db import connections

            connections.close_all()
            if not args.keep_db:
                drop_database(args.database_url)

    verdicts = []
    if "payments" in results:
        r = results["payments"]
        ok = r["ratio_mean"] <= TARGET_RATIO and not r["problems"]
        verdicts.append(ok)
        print(
            f"\n{'PASS' if ok else 'FAIL'}: payment with commission costs {r['ratio_mean']:.2f}x one without "
            f"(mean; target <= {TARGET_RATIO:.0f}x){'; checks failed' if r['problems'] else ''}"
        )
    if "settlement" in results:
        r = results["settlement"]
        ok = r["records_per_s"] >= TARGET_RECORDS_PER_S and not r["problems"]
        verdicts.append(ok)
        print(
            f"{'PASS' if ok else 'FAIL'}: settlement at {r['records_per_s']:,.0f} records/s "
            f"(target >= {TARGET_RECORDS_PER_S:,}){'; checks failed' if r['problems'] else ''}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    run_main(main)
