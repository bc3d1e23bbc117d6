"""After the sale: the database and Redis against the answers; and what Redis alone can refuse per
second (redis-benchmark with EVALSHA of the gate's take script), the physical ceiling."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time

from common.base import BenchError
from common.database import wait_quiet

REFUSALS = {"SECKILL_SOLD_OUT", "SECKILL_LIMIT_REACHED"}


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


def verify(args: argparse.Namespace, activity_id: int, answer: dict, total: int, sku_stock_before: int) -> list[str]:
    import redis
    from django.db import connections
    from django.db.models import Count

    from fenxiao.inventory.models import Stock
    from fenxiao.orders.models import Order
    from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus
    from fenxiao.promotions.seckill import gate

    wait_quiet()
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
    sku_stock = Stock.objects.values_list("quantity", flat=True).get(pk=a.sku_id)

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
