"""Ledger posting benchmark: one transaction with many legs, then many small postings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fx_ledger .venv/bin/python bench/ledger_bench.py \
        [--legs 20000] [--accounts 10000] [--rounds 3] [--small 2000]

Commission settlement posts a whole batch of matured commission as one ledger transaction with a
couple of legs per distributor, so ``ledger_post`` must be fast for one transaction with tens of
thousands of legs; every other money movement is a small posting that must stay cheap. It measures,
on whatever ``DATABASE_URL`` points at (``--database-url`` overrides it; with neither, a throwaway
SQLite file in a temporary folder):

* ``big``    -- ``--rounds`` postings of ``--legs`` legs spread round-robin over ``--accounts``
  accounts plus one balancing platform leg (duplicate codes merge, so ``--accounts`` < ``--legs``
  stores one leg per account). Round 1 also creates the accounts; later rounds find them. Each
  round is timed to the end of its commit (the deferred balance trigger and the foreign-key
  checks run at commit on PostgreSQL) and split by statement;
* ``small``  -- ``--small`` postings of 2 legs (a distributor's pending account and the platform's
  commission expense, over 1,000 distributors), one transaction each, then the same references
  posted again (idempotent replays, which write nothing);
* ``check``  -- ``ledger_check()`` over the whole book, which must find nothing.

Prints legs/s, postings/s and replays/s, and PASS/FAIL for the target: a warm round of
20,000 legs commits in under 1 s (the settlement target is >= 20,000 records/s for the whole
settlement). Exit status: 0 PASS, 1 FAIL, 2 setup error. Ledger rows are append-only, so the
bench's rows stay in the database (under ``bench:<run>:`` codes); use a dedicated database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

TARGET_SECONDS = 1.0
TARGET_LEGS = 20_000


class BenchError(Exception):
    pass


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--legs", type=int, default=20_000, help="legs in each big posting (default 20000)")
    p.add_argument("--accounts", type=int, default=10_000, help="accounts the big posting spreads over (default 10000)")
    p.add_argument("--rounds", type=int, default=3, help="big postings; round 1 creates the accounts (default 3)")
    p.add_argument("--small", type=int, default=2000, help="small 2-leg postings, then as many replays (default 2000)")
    p.add_argument("--seed", type=int, default=7, help="random seed for the amounts (default 7)")
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="default: $DATABASE_URL")
    p.add_argument("--skip-check", action="store_true", help="do not run ledger_check() over the whole book")
    args = p.parse_args(argv)
    if min(args.legs, args.accounts, args.rounds) < 1 or args.small < 0:
        p.error("--legs, --accounts and --rounds must be >= 1, --small >= 0")
    return args


def setup_django(database_url: str) -> str:
    """Point Django at the bench database and migrate it. Returns a printable description."""
    if not database_url:
        database_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='ledger-bench-')) / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenxiao.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except Exception as exc:
        raise BenchError(f"cannot migrate {database_url}: {exc}") from exc
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version}, database {connection.settings_dict['NAME']}"
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


class StatementTimer:
    """Wall time per kind of statement, through Django's execute wrapper."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[self.label(sql)] += time.perf_counter() - started

    @staticmethod
    def label(sql: str) -> str:
        head = sql.lstrip().upper()
        if "FOR UPDATE" in head or ("SELECT ID, CODE, BALANCE_FEN" in head):
            return "lock accounts"
        for prefix, name in (
            ("INSERT INTO LEDGER_ACCOUNT", "create accounts"),
            ("INSERT INTO LEDGER_LEDGERTRANSACTION", "claim reference"),
            ("INSERT INTO LEDGER_LEG", "insert legs"),
            ('INSERT INTO "LEDGER_LEG"', "insert legs"),
            ('INSERT INTO "LEDGER_ACCOUNT"', "create accounts"),
            ("UPDATE LEDGER_ACCOUNT", "move balances"),
        ):
            if head.startswith(prefix):
                return name
        return "other"


def big_round(prefix: str, n_round: int, legs_n: int, accounts_n: int, rng: random.Random) -> dict:
    from django.db import connection, transaction

    from fenxiao.ledger.services import ledger_post

    legs = []
    for i in range(legs_n):
        amount = rng.randint(1, 10_000)
        legs.append((f"{prefix}:acc:{i % accounts_n}", amount if i % 2 else -amount))
    legs.append((f"{prefix}:platform:sink", -sum(amount for _, amount in legs)))
    timer = StatementTimer()
    started = time.perf_counter()
    with transaction.atomic():
        with connection.execute_wrapper(timer):
            tx = ledger_post(kind="bench_settle", reference=f"{prefix}:big:{n_round}", legs=legs)
        before_commit = time.perf_counter()
    ended = time.perf_counter()
    stored = tx.legs.count()
    statements = sum(timer.seconds.values())
    return {
        "seconds": ended - started,
        "stored": stored,
        "commit": ended - before_commit,
        "python": before_commit - started - statements,
        "split": dict(timer.seconds),
    }


def small_postings(prefix: str, n: int, rng: random.Random) -> dict:
    from fenxiao.ledger.services import ledger_post

    def post(i: int) -> None:
        amount = 100 + (i * 37) % 5000
        ledger_post(
            kind="bench_accrue",
            reference=f"{prefix}:small:{i}",
            legs=[(f"{prefix}:distributor:{i % 1000}:pending", amount), (f"{prefix}:platform:expense", -amount)],
        )

    result = {}
    for phase in ("post", "replay"):
        latencies = []
        started = time.perf_counter()
        for i in range(n):
            t = time.perf_counter()
            post(i)
            latencies.append(time.perf_counter() - t)
        elapsed = time.perf_counter() - started
        latencies.sort()
        result[phase] = {
            "seconds": elapsed,
            "per_s": n / elapsed if elapsed else 0.0,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        }
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    where = setup_django(args.database_url)
    from fenxiao.ledger.checks import ledger_check_report

    rng = random.Random(args.seed)
    prefix = f"bench:{int(time.time() * 1000):x}"
    print(f"ledger bench on {where}; {os.cpu_count()} CPUs; account codes under {prefix}:")
    print(f"\none transaction of {args.legs} legs over {args.accounts} accounts (+1 balancing leg):")
    warm: list[float] = []
    for n_round in range(1, args.rounds + 1):
        r = big_round(prefix, n_round, args.legs, args.accounts, rng)
        if n_round > 1:
            warm.append(r["seconds"])
        split = ", ".join(f"{k} {v * 1000:.0f}" for k, v in sorted(r["split"].items(), key=lambda kv: -kv[1]))
        print(
            f"  round {n_round}{' (creates the accounts)' if n_round == 1 else ''}: {r['seconds']:.3f} s = "
            f"{args.legs / r['seconds']:,.0f} legs/s given, {r['stored'] / r['seconds']:,.0f} legs/s stored "
            f"({r['stored']} stored)\n"
            f"      ms: {split}, commit {r['commit'] * 1000:.0f}, python {r['python'] * 1000:.0f}"
        )
    if args.small:
        s = small_postings(prefix, args.small, rng)
        print(f"\n{args.small} small postings (2 legs each, one transaction each, one thread):")
        for phase, label in (("post", "postings"), ("replay", "replays")):
            r = s[phase]
            print(
                f"  {label:<8} {r['per_s']:>8,.0f}/s   p50 {r['p50_ms']:.2f} ms   p99 {r['p99_ms']:.2f} ms   "
                f"({r['seconds']:.2f} s)"
            )
    problems = []
    if not args.skip_check:
        started = time.perf_counter()
        report = ledger_check_report()
        elapsed = time.perf_counter() - started
        print(
            f"\nledger_check over the whole book: {elapsed:.2f} s for {report.accounts:,} accounts, "
            f"{report.transactions:,} transactions, {report.legs:,} legs; {len(report.problems)} problems"
        )
        problems = report.problems
        for problem in problems[:10]:
            print(f"  - {problem.description}")
    verdict = True
    if args.legs == TARGET_LEGS and warm:
        best = min(warm)
        ok = best < TARGET_SECONDS
        verdict = ok
        print(
            f"\n{'PASS' if ok else 'FAIL'}: a warm posting of {TARGET_LEGS} legs commits in {best:.3f} s "
            f"(best of {len(warm)}; target < {TARGET_SECONDS:.1f} s)"
        )
    if problems:
        print("FAIL: the ledger check found problems")
    return 0 if verdict and not problems else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
