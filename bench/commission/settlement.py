"""(b) Settlement: a backlog of matured commission records written in bulk, then one timed
``sweep_settle_commission``, then checks that every record is settled and the ledger balances."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections import defaultdict
from datetime import timedelta

from commission.query_timer import QueryTimer
from commission.shop import ADDRESS, catalogue_sku


def seed_backlog(args: argparse.Namespace) -> dict:
    """Orders of 2 lines, 2 levels each, all received long ago; every record due now."""
    from django.db import transaction
    from django.utils import timezone

    from fenxiao.accounts.models import User
    from fenxiao.distribution import accounts
    from fenxiao.distribution.models import CommissionRecord, Distributor
    from fenxiao.distribution.network.enrolment import default_tier
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
    from fenxiao.distribution.commission.settlement import BATCH, sweep_settle_commission
    from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Distributor
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
