"""(a) Payment notification handling per order, three kinds interleaved: a buyer under a 2-level chain
(commission booked), a buyer without a referrer, and distribution's ``order_paid`` handler off."""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass, field

from commission.query_timer import QueryTimer, percentile
from commission.shop import catalogue_sku, make_shopper
from common.base import BenchError

MODES = ("with", "unbound", "off")


@dataclass
class Shop:
    sku_id: int
    shoppers: dict[str, list] = field(default_factory=dict)  # mode → users


def prepare_shop(shoppers_per_kind: int) -> Shop:
    from fenxiao.distribution.network.binding import referral_bind
    from fenxiao.distribution.network.enrolment import distributor_create

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
    from fenxiao.integrations.wechat.pay.factory import pay_gateway
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
                raise BenchError(f"order {order_id} ({mode}): notification outcome {outcome!r}, expected 'paid'")
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
