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
targets are met, 1 when one is missed, 2 on a setup error."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_bench as hb  # bench/ helpers: database creation, revision, BenchError

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fenxiao_bench_distribution"
TARGET_RATIO = 2.0
TARGET_RECORDS_PER_S = 20_000
MODES = ("with", "unbound", "off")
ADDRESS = {
    "receiver": "张三",
    "phone": "13800138000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园南区 1 栋 101",
}


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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class QueryTimer:
    """A Django execute wrapper: time and count per kind of statement (numbers and placeholder
    lists folded, so ``id IN (%s, %s, ...)`` of any length is one kind)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.commit_seconds = 0.0
        self.commit_calls = 0

    @contextmanager
    def commits(self, connection) -> Iterator[None]:
        """Time COMMITs too (Django issues them outside the execute wrappers): instrumentation
        only, COMMIT is where the WAL is flushed and the ledger's deferred triggers run."""
        real_commit = connection._commit

        def timed_commit():
            start = time.perf_counter()
            try:
                return real_commit()
            finally:
                self.commit_seconds += time.perf_counter() - start
                self.commit_calls += 1

        connection._commit = timed_commit
        try:
            yield
        finally:
            del connection._commit

    @staticmethod
    def kind(sql: str) -> str:
        text = re.sub(r"\s+", " ", sql).strip()
        text = re.sub(r"%s(, %s)+", "%s…", text)
        text = re.sub(r'"s\d+_x\d+"', '"sN"', text)  # savepoint names
        text = re.sub(r"\b\d+\b", "N", text)
        return text[:150]

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = self.kind(sql)
            self.seconds[key] += time.perf_counter() - start
            self.calls[key] += 1

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def top(self, n: int = 12) -> list[tuple[str, int, float]]:
        return sorted(((k, self.calls[k], s) for k, s in self.seconds.items()), key=lambda r: -r[2])[:n]


# --------------------------------------------------------------------------------------------
# (a) Payment notifications with and without commission
# --------------------------------------------------------------------------------------------


@dataclass
class Shop:
    sku_id: int
    shoppers: dict[str, list] = field(default_factory=dict)  # mode → users


def catalogue_sku(price_fen: int, code: str):
    from fenxiao.catalog.models import Category, Product, Sku, Supplier

    supplier, _ = Supplier.objects.get_or_create(name="品牌自营")
    top = Category.objects.create(name=f"分类{code}")
    category = Category.objects.create(name=f"子类{code}", parent=top)
    product = Product.objects.create(
        code=f"P{code}", supplier=supplier, category=category, title=f"基准商品{code}", is_on_shelf=True
    )
    return Sku.objects.create(product=product, code=f"S{code}", price_fen=price_fen, stock=5_000_000, weight_g=100)


def make_shopper(name: str):
    from fenxiao.accounts.models import Address, User

    user = User.objects.create(username=f"wx_{name}", openid=f"openid-{name}", nickname=name)
    Address.objects.create(user=user, is_default=True, **ADDRESS)
    return user


def prepare_shop(shoppers_per_kind: int) -> Shop:
    from fenxiao.distribution.binding import referral_bind
    from fenxiao.distribution.enrolment import distributor_create

    top = distributor_create(
        user_id=make_shopper("bench_top").id, source="apply", real_name="李娜", phone="13800138000"
    )
    mid_user = make_shopper("bench_mid")
    referral_bind(user_id=mid_user.id, code=top.code, source="link")
    mid = distributor_create(user_id=mid_user.id, source="apply", real_name="王强", phone="13800138001")
    shop = Shop(sku_id=catalogue_sku(9_999, "PAY").id)
    for mode in MODES:
        users = [make_shopper(f"bench_{mode}_{i:04d}") for i in range(shoppers_per_kind)]
        if mode == "with":
            for user in users:
                referral_bind(user_id=user.id, code=mid.code, source="link")
        shop.shoppers[mode] = users
    return shop


def prepared_notification(shop: Shop, mode: str, i: int):
    """An order placed and its payment prepared; WeChat's signed notification of its success."""
    from fenxiao.accounts.models import Address
    from fenxiao.integrations.wechat.pay_gateway import pay_gateway
    from fenxiao.orders.checkout import LineRequest
    from fenxiao.orders.services import order_create
    from fenxiao.payments.prepare import payment_prepare

    users = shop.shoppers[mode]
    buyer = users[i % len(users)]
    address_id = Address.objects.filter(user=buyer, is_default=True).values_list("id", flat=True).get()
    order = order_create(user=buyer, lines=[LineRequest(shop.sku_id, 1 + i % 2)], address_id=address_id)
    payment = payment_prepare(order_id=order.pk, payer_openid=buyer.openid, description="基准订单").payment
    return order.id, pay_gateway().complete_payment(payment.out_trade_no)


def deliver(message, mode: str, timer: QueryTimer) -> tuple[float, str]:
    from django.db import connection

    from fenxiao.core import extensions
    from fenxiao.distribution import handlers
    from fenxiao.payments.notifications import notification_handle

    if mode == "off":
        extensions.unsubscribe("order_paid", handlers.on_order_paid)
    try:
        with connection.execute_wrapper(timer), timer.commits(connection):
            start = time.perf_counter()
            outcome = notification_handle(headers=message.headers, body=message.body).outcome
            elapsed = time.perf_counter() - start
    finally:
        extensions.subscribe("order_paid", handlers.on_order_paid)
    return elapsed, outcome


def measure_payments(args: argparse.Namespace) -> dict:
    from fenxiao.distribution.models import CommissionRecord, OrderReferral

    shop = prepare_shop(shoppers_per_kind=50)
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    timers = {mode: QueryTimer() for mode in MODES}
    orders: dict[str, list[int]] = {mode: [] for mode in MODES}
    for i in range(args.warmup + args.orders):
        # Rotate who goes first, so no kind always follows the same one.
        for k in range(len(MODES)):
            mode = MODES[(i + k) % len(MODES)]
            order_id, message = prepared_notification(shop, mode, i)
            timer = QueryTimer() if i < args.warmup else timers[mode]
            elapsed, outcome = deliver(message, mode, timer)
            if outcome != "paid":
                raise hb.BenchError(f"order {order_id} ({mode}): notification outcome {outcome!r}, expected 'paid'")
            if i >= args.warmup:
                times[mode].append(elapsed)
                orders[mode].append(order_id)

    booked = CommissionRecord.objects.filter(order_id__in=orders["with"]).count()
    problems = []
    if booked != 2 * len(orders["with"]):
        problems.append(f"'with' orders booked {booked} records, expected {2 * len(orders['with'])}")
    if CommissionRecord.objects.filter(order_id__in=orders["unbound"] + orders["off"]).exists():
        problems.append("commission booked for an unbound buyer or with the handler off")
    unbooked = OrderReferral.objects.filter(order_id__in=orders["with"], booked_at__isnull=True).count()
    if unbooked:
        problems.append(f"{unbooked} 'with' orders not marked booked")

    result: dict = {"orders_per_kind": args.orders, "problems": problems, "kinds": {}}
    for mode in MODES:
        ms = [t * 1000 for t in times[mode]]
        result["kinds"][mode] = {
            "mean_ms": statistics.fmean(ms),
            "p50_ms": percentile(ms, 0.50),
            "p99_ms": percentile(ms, 0.99),
            "queries_per_order": timers[mode].total_calls / len(ms),
            "sql_ms_per_order": timers[mode].total_seconds * 1000 / len(ms),
            "commits_per_order": timers[mode].commit_calls / len(ms),
            "commit_ms_per_order": timers[mode].commit_seconds * 1000 / len(ms),
        }
    kinds = result["kinds"]
    result["ratio_mean"] = kinds["with"]["mean_ms"] / kinds["off"]["mean_ms"]
    result["ratio_p50"] = kinds["with"]["p50_ms"] / kinds["off"]["p50_ms"]
    result["ratio_p99"] = kinds["with"]["p99_ms"] / kinds["off"]["p99_ms"]
    result["ratio_mean_vs_unbound"] = kinds["with"]["mean_ms"] / kinds["unbound"]["mean_ms"]
    # What commission adds to a payment: statement kinds run more often with it than without.
    n = args.orders
    extra = []
    for key, calls in timers["with"].calls.items():
        more = calls - timers["off"].calls.get(key, 0)
        if more > 0:
            ms = (timers["with"].seconds[key] - timers["off"].seconds.get(key, 0.0)) * 1000
            extra.append((key, more / n, ms / n))
    result["extra_statements"] = sorted(extra, key=lambda r: -r[2])
    return result


def print_payments(r: dict) -> None:
    print(f"\n(a) payment notification -> commit, incl. on-commit handlers ({r['orders_per_kind']} orders per kind)")
    print(
        f"  {'kind':<10} {'mean ms':>8} {'p50 ms':>7} {'p99 ms':>7} {'queries':>8} {'SQL ms':>7} "
        f"{'commits':>8} {'COMMIT ms':>10} {'Python ms':>10}"
    )
    for mode in MODES:
        k = r["kinds"][mode]
        python_ms = k["mean_ms"] - k["sql_ms_per_order"] - k["commit_ms_per_order"]
        print(
            f"  {mode:<10} {k['mean_ms']:>8.2f} {k['p50_ms']:>7.2f} {k['p99_ms']:>7.2f} "
            f"{k['queries_per_order']:>8.1f} {k['sql_ms_per_order']:>7.2f} {k['commits_per_order']:>8.1f} "
            f"{k['commit_ms_per_order']:>10.2f} {python_ms:>10.2f}"
        )
    print(
        f"  with / off: mean {r['ratio_mean']:.2f}x, p50 {r['ratio_p50']:.2f}x, p99 {r['ratio_p99']:.2f}x; "
        f"with / unbound: mean {r['ratio_mean_vs_unbound']:.2f}x"
    )
    extra = r["extra_statements"]
    print(
        f"  what commission adds per order: {sum(e[1] for e in extra):.1f} statements, "
        f"{sum(e[2] for e in extra):.2f} ms of SQL:"
    )
    for sql, calls, ms in extra:
        print(f"    {ms:>6.3f} ms {calls:>4.1f}x  {sql[:120]}")
    for p in r["problems"]:
        print(f"  CHECK FAILED: {p}")


# --------------------------------------------------------------------------------------------
# (b) Settling a backlog of matured commission
# --------------------------------------------------------------------------------------------


def seed_backlog(args: argparse.Namespace) -> dict:
    """Orders of 2 lines, 2 levels each, all received long ago; every record due now."""
    from django.db import transaction
    from django.utils import timezone

    from fenxiao.accounts.models import User
    from fenxiao.distribution import accounts
    from fenxiao.distribution.enrolment import default_tier
    from fenxiao.distribution.models import CommissionRecord, Distributor
    from fenxiao.ledger.services import ledger_post
    from fenxiao.orders.models import Order, OrderLine, OrderStatus

    started = time.perf_counter()
    now = timezone.now()
    n_orders = args.records // 4
    skus = [catalogue_sku(price, f"SET{price}") for price in (3_333, 9_999)]
    tier = default_tier()
    rates = tier.rates_bps

    users = User.objects.bulk_create(
        [User(username=f"wx_bench_d{i:05d}", openid=f"openid-bench-d{i:05d}") for i in range(args.distributors)]
        + [User(username=f"wx_bench_b{i:05d}", openid=f"openid-bench-b{i:05d}") for i in range(args.buyers)],
        batch_size=2_000,
    )
    distributor_users, buyers = users[: args.distributors], users[args.distributors :]
    distributors = Distributor.objects.bulk_create(
        [Distributor(user=u, code=f"BD{i:07d}", tier=tier, source="apply") for i, u in enumerate(distributor_users)],
        batch_size=2_000,
    )
    d_ids = [d.id for d in distributors]

    received = now - timedelta(days=30)
    chunk = 1_000
    earned: dict[int, int] = defaultdict(int)
    seeded_records = 0
    for start in range(0, n_orders, chunk):
        with transaction.atomic():
            batch = range(start, min(start + chunk, n_orders))
            order_rows, line_specs = [], []
            for i in batch:
                qty = (1 + i % 3, 1 + (i // 3) % 2)
                goods = [skus[k].price_fen * qty[k] for k in range(2)]
                order_rows.append(
                    Order(
                        order_no=f"BENCH{i:012d}",
                        buyer=buyers[(i * 7) % len(buyers)],
                        status=OrderStatus.RECEIVED,
                        goods_fen=sum(goods),
                        payable_fen=sum(goods),
                        paid_fen=sum(goods),
                        receiver=ADDRESS["receiver"],
                        receiver_phone=ADDRESS["phone"],
                        province=ADDRESS["province"],
                        city=ADDRESS["city"],
                        district=ADDRESS["district"],
                        address_detail=ADDRESS["detail"],
                        paid_at=received - timedelta(days=3),
                        shipped_at=received - timedelta(days=2),
                        received_at=received,
                    )
                )
                line_specs.append((qty, goods))
            orders = Order.objects.bulk_create(order_rows, batch_size=chunk)
            lines = OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=order,
                        sku=skus[k],
                        product_id=skus[k].product_id,
                        product_title=f"基准商品{k}",
                        sku_code=skus[k].code,
                        unit_price_fen=skus[k].price_fen,
                        quantity=qty[k],
                        goods_fen=goods[k],
                        paid_fen=goods[k],
                    )
                    for order, (qty, goods) in zip(orders, line_specs, strict=True)
                    for k in range(2)
                ],
                batch_size=2 * chunk,
            )
            records = []
            pending: dict[int, int] = defaultdict(int)
            for j, line in enumerate(lines):
                i = start + j // 2
                level1 = d_ids[i % len(d_ids)]
                level2 = d_ids[(i % len(d_ids) + 1 + (i // len(d_ids)) % (len(d_ids) - 1)) % len(d_ids)]
                for level, distributor_id in ((1, level1), (2, level2)):
                    amount = line.paid_fen * rates[level - 1] // 10_000
                    records.append(
                        CommissionRecord(
                            distributor_id=distributor_id,
                            order_id=line.order_id,
                            order_line_id=line.id,
                            buyer_id=orders[j // 2].buyer_id,
                            level=level,
                            base_fen=line.paid_fen,
                            rate_bps=rates[level - 1],
                            amount_fen=amount,
                            settle_after=received + timedelta(days=7),
                        )
                    )
                    pending[distributor_id] += amount
            CommissionRecord.objects.bulk_create(records, batch_size=5_000)
            seeded_records += len(records)
            names: dict[str, str] = {}
            for distributor_id in pending:
                names.update(accounts.names_for(distributor_id))
            ledger_post(
                kind="commission_accrue",
                reference=f"bench:accrue:orders:{start}-{start + len(batch) - 1}",
                legs=[
                    *((accounts.pending(d), amount) for d, amount in sorted(pending.items())),
                    (accounts.COMMISSION_EXPENSE, -sum(pending.values())),
                ],
                memo=f"基准：{len(batch)} 单佣金入账",
                names=names,
            )
            for d, amount in pending.items():
                earned[d] += amount
    return {
        "orders": n_orders,
        "records": seeded_records,
        "distributors": len(earned),
        "seed_seconds": time.perf_counter() - started,
    }


def vacuum_analyze() -> None:
    from django.db import connection

    tables = [
        "distribution_commissionrecord",
        "distribution_distributor",
        "ledger_account",
        "ledger_leg",
        "ledger_ledgertransaction",
        "orders_order",
        "orders_aftersale",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def measure_settlement(args: argparse.Namespace) -> dict:
    from django.db import connection
    from django.db.models import Count, F, Sum
    from django.utils import timezone

    from fenxiao.distribution import accounts
    from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor
    from fenxiao.distribution.settlement import BATCH, sweep_settle_commission
    from fenxiao.ledger.checks import ledger_check
    from fenxiao.ledger.selectors import account_balances

    first_id = (CommissionRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    seeded = seed_backlog(args)
    backlog = CommissionRecord.objects.filter(id__gte=first_id)  # not (a)'s records, never received
    print(
        f"  seeded {seeded['records']:,} records on {seeded['orders']:,} orders for "
        f"{seeded['distributors']:,} distributors in {seeded['seed_seconds']:.1f}s; VACUUM ANALYZE"
    )
    vacuum_analyze()
    tiers_before = dict(Distributor.objects.values_list("tier__rank").annotate(n=Count("id")))

    timer = QueryTimer()
    now = timezone.now()
    profiler = cProfile.Profile() if args.cprofile else None
    with connection.execute_wrapper(timer), timer.commits(connection):
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        settled = sweep_settle_commission(now=now)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start

    if profiler:
        print("  cProfile of the sweep (figures below are slowed down by it):")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print("\n".join("    " + line for line in out.getvalue().splitlines()[:60]))
    problems = []
    if settled != seeded["records"]:
        problems.append(f"sweep reported {settled:,} settled, expected {seeded['records']:,}")
    left = backlog.exclude(status=CommissionStatus.SETTLED).count()
    if left:
        problems.append(f"{left:,} records not settled")
    if backlog.exclude(settled_at=now).exists():
        problems.append("records settled at another time than the sweep's")
    expected = dict(
        backlog.values_list("distributor_id").annotate(net=Sum(F("amount_fen") - F("reversed_fen") - F("clawback_fen")))
    )
    codes = [accounts.pending(d) for d in expected] + [accounts.available(d) for d in expected]
    found = account_balances(codes)
    wrong = [d for d, net in expected.items() if found[accounts.available(d)] != net or found[accounts.pending(d)]]
    if wrong:
        problems.append(f"{len(wrong)} distributors whose balances disagree with their records, e.g. {wrong[:5]}")
    ledger_problems = ledger_check()
    if ledger_problems:
        problems.append(f"ledger_check: {len(ledger_problems)} problems, e.g. {ledger_problems[:3]}")
    tiers_after = dict(Distributor.objects.values_list("tier__rank").annotate(n=Count("id")))
    return {
        **seeded,
        "batch": BATCH,
        "settled": settled,
        "seconds": elapsed,
        "records_per_s": settled / elapsed if elapsed else 0.0,
        "sql_seconds": timer.total_seconds,
        "statements": timer.total_calls,
        "commit_seconds": timer.commit_seconds,
        "top_statements": timer.top(),
        "tiers_before": tiers_before,
        "tiers_after": tiers_after,
        "problems": problems,
    }


def print_settlement(r: dict) -> None:
    print(
        f"\n(b) settlement sweep: {r['settled']:,} records in {r['seconds']:.2f}s = "
        f"{r['records_per_s']:,.0f} records/s (batches of {r['batch']:,})"
    )
    python = r["seconds"] - r["sql_seconds"] - r["commit_seconds"]
    print(
        f"  {r['statements']:,} statements, {r['sql_seconds']:.2f}s in SQL, {r['commit_seconds']:.2f}s in COMMIT "
        f"(deferred ledger triggers), {python:.2f}s in Python"
    )
    print(f"  tiers (rank: distributors) before {r['tiers_before']}, after {r['tiers_after']}")
    print(f"  {'seconds':>8} {'calls':>6}  statement")
    for sql, calls, seconds in r["top_statements"]:
        print(f"  {seconds:>8.3f} {calls:>6}  {sql}")
    for p in r["problems"]:
        print(f"  CHECK FAILED: {p}")


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"Fenxiao distribution bench  (rev {hb.git_revision()}, {os.cpu_count()} CPUs, load {os.getloadavg()})")
    if "bench" not in urlsplit(args.database_url).path:
        raise hb.BenchError(
            f"the database is dropped and recreated: its name must contain 'bench' ({args.database_url})"
        )
    print("database:")
    hb.ensure_database(args.database_url, reset=True)
    results: dict = {"revision": hb.git_revision(), "config": {k: str(v) for k, v in vars(args).items()}}
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
    try:
        sys.exit(main())
    except hb.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
