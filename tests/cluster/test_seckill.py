"""A seckill crowd through nginx, spread over both nodes: more buyers and attempts than units. The
seckill bench's own load (wrk + seckill.lua) and integrity checks, reused: no oversell, nobody over
the per-user limit, the Redis gate's state equal to the database's."""

from __future__ import annotations

import shutil
from argparse import Namespace

from scripts.cluster.topology import NGINX_PORT, REDIS_URL


def test_seckill_burst_over_both_nodes(cluster):
    from fenxiao.inventory.models import Stock
    from fenxiao.orders.models import Order
    from seckill.checks import verify
    from seckill.load import run_wrk_seckill

    s = cluster.facts["seckill"]
    args = Namespace(
        units=s["units"],
        buyers=s["buyers"],
        limit=s["limit"],
        attempts=3,
        connections=24,
        timeout=20,
        seed=21,
        redis_url=REDIS_URL,
    )
    path = f"/api/v1/seckill/{s['activity_id']}/orders"
    before = len(cluster.served_by("POST", path))
    stock_before = Stock.objects.values_list("quantity", flat=True).get(pk=s["sku_id"])

    answer = run_wrk_seckill(
        shutil.which("wrk"), NGINX_PORT, s["activity_id"], s["buyers_file"], args, mode="once", duration=60
    )

    total = s["buyers"] * args.attempts
    problems = verify(args, s["activity_id"], answer, total, stock_before)
    assert problems == [], problems
    kept = Order.objects.filter(seckill_purchase__activity_id=s["activity_id"]).exclude(
        status__in=["cancelled", "closed"]
    )
    assert kept.count() <= s["units"]
    nodes = cluster.served_by("POST", path)[before:]
    per_node = {node: nodes.count(node) for node in sorted(set(nodes))}
    assert len(per_node) == 2, per_node
    cluster.note(
        "seckill",
        f"{total} attempts by {s['buyers']} buyers for {s['units']} units: {answer['created']:.0f} orders, "
        f"refusals {answer.get('codes', {})}",
    )
    cluster.note("seckill", f"served per node {per_node}; Redis gate = database, no oversell, limit {s['limit']} held")
