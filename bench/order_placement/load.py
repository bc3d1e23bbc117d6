"""The load of one segment: orders under wrk (closed loop, ``orders.lua``) or under the open-loop
generator (a child process running ``orders_bench.py --open-loop-worker``), product detail under
wrk; each segment CPU-accounted and, for orders, verified against the database."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from common.base import BENCH_DIR, HOST, BenchError
from common.cpu import measured
from common.database import wait_quiet
from order_placement.fixtures import Fixtures
from order_placement.integrity import db_state, verify

ORDERS_LUA = BENCH_DIR / "orders.lua"
ORDER_SCENARIOS = ("spread", "hot")


def run_wrk_orders(
    wrk: str, port: int, scenario: str, files: dict[str, Path], duration: int, args: argparse.Namespace, seed: int
) -> dict:
    cmd = [
        wrk,
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        f"--timeout={args.timeout}s",
        "--latency",
        "-s",
        str(ORDERS_LUA),
        f"http://{HOST}:{port}",
        "--",
        scenario,
        str(files["users"]),
        str(files[scenario]),
        str(seed),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + args.timeout + 30)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise BenchError(f"could not parse wrk output (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def run_open_loop(port: int, scenario: str, files: dict[str, Path], rate: float, duration: int, args, workdir, seed):
    config = workdir / f"open_loop_{scenario}.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "scenario": scenario,
                "users": str(files["users"]),
                "skus": str(files[scenario]),
                "rate": rate,
                "duration": duration,
                "timeout": args.timeout,
                "seed": seed,
            }
        )
    )
    cmd = [sys.executable, str(BENCH_DIR / "orders_bench.py"), "--open-loop-worker", str(config)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 2 * args.timeout + 120)
    for line in result.stdout.splitlines():
        if line.startswith("OPEN_LOOP "):
            return json.loads(line.removeprefix("OPEN_LOOP "))
    raise BenchError(f"open-loop generator failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def wrk_detail_result(r: dict) -> dict:
    r["created"] = 0
    r["units"] = 0
    r["other_status"] = r["non_2xx_3xx"]
    return r


def order_segment(server, dbname, fx, scenario, load, cut_off_allowed: int | None) -> dict:
    from django.db import connections

    wait_quiet()
    before = db_state(fx)
    connections.close_all()
    r = measured(server, dbname, load)
    if cut_off_allowed is None:  # open loop: only requests the client gave up on (timeouts)
        cut_off_allowed = int(r.get("errors", 0))
    r["problems"], r["cut_off"] = verify(fx, before, scenario, r, cut_off_allowed)
    r.pop("order_ids", None)
    return r


def preflight_orders(port: int, fx: Fixtures) -> None:
    token, address_id = fx.shoppers[0]
    for skus in ([fx.spread_skus[0]], [fx.hot_sku]):
        body = json.dumps({"lines": [{"sku_id": skus[0], "quantity": 1}], "address_id": address_id}).encode()
        req = urllib.request.Request(
            f"http://{HOST}:{port}/api/v1/orders",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                if resp.status != 201:
                    raise BenchError(f"preflight order answered {resp.status}: {resp.read()[:300]!r}")
        except urllib.error.HTTPError as exc:
            raise BenchError(f"preflight order answered {exc.code}: {exc.read()[:300]!r}") from exc
