"""The load: every buyer's attempts at ``POST /api/v1/seckill/{id}/orders`` under wrk
(``seckill.lua``), on a port of the bench's range, after a preflight."""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from common.base import HOST, BenchError
from seckill.fixtures import Fixtures

SECKILL_LUA = Path(__file__).resolve().parent / "seckill.lua"


def port_in_range(lo: int, hi: int) -> int:
    for port in range(lo, hi + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    raise BenchError(f"no free port in {lo}-{hi}")


def run_wrk_seckill(
    wrk: str, port: int, activity_id: int, buyers_file: Path, args: argparse.Namespace, *, mode: str, duration: int
) -> dict:
    cmd = [
        wrk,
        "-t1",
        f"-c{args.connections}",
        f"-d{duration}s",
        f"--timeout={args.timeout}s",
        "--latency",
        "-s",
        str(SECKILL_LUA),
        f"http://{HOST}:{port}",
        "--",
        str(activity_id),
        str(buyers_file),
        str(args.attempts),
        str(args.seed),
        mode,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + args.timeout + 60)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            r = json.loads(line.removeprefix("BENCH_RESULT "))
            if mode == "once":
                # Seckill answers only (not the fillers), from the first request to the last answer.
                r["wrk_requests"], r["requests"] = r["requests"], r["answered"]
                if r["elapsed_us"] > 0:
                    r["duration_us"] = r["elapsed_us"]
            return r
    raise BenchError(f"could not parse wrk output (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def preflight(port: int, fx: Fixtures, activity_id: int) -> None:
    """The activity is on sale for a signed-in shopper, and a forged token is refused with 401."""
    _, token, _ = fx.buyers[0]
    for auth, want in ((f"Bearer {token}", 200), (f"Bearer {token[:-4]}AAAA", 401)):
        req = urllib.request.Request(
            f"http://{HOST}:{port}/api/v1/seckill/{activity_id}", headers={"Authorization": auth}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        if status != want or (want == 200 and json.loads(body)["state"] not in ("on_sale", "sold_out")):
            raise BenchError(f"preflight GET /api/v1/seckill/{activity_id} answered {status}: {body[:300]!r}")
    req = urllib.request.Request(
        f"http://{HOST}:{port}/api/v1/seckill/{activity_id}/orders",
        data=b'{"address_id": 1}',
        headers={"Authorization": f"Bearer {token[:-4]}AAAA", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        urllib.request.urlopen(req, timeout=10)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 401:
        raise BenchError(f"a forged token posting to the seckill answered {status}, not 401")
