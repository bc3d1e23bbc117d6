"""The open-loop generator (Debian has no wrk2): a child process that sends each order at its
scheduled time on its own connection, whether or not earlier ones have answered, so a queue on the
server cannot hide (no coordinated omission)."""

from __future__ import annotations

import asyncio
import json
import random
import re
import resource
from pathlib import Path

from common.base import HOST

QUANTITY_RE = re.compile(rb'"quantity":\s*(\d+)')
ORDER_ID_RE = re.compile(rb'^\{"id":\s*(\d+)')


def order_body(rng: random.Random, scenario: str, skus: list[int], address_id: int) -> bytes:
    """The same baskets as orders.lua."""
    if scenario == "hot":
        lines = [{"sku_id": skus[0], "quantity": 1}]
    else:
        picked = rng.sample(skus, 2 if rng.random() < 0.5 else 1)
        lines = [{"sku_id": s, "quantity": rng.randint(1, 2)} for s in picked]
    return json.dumps({"lines": lines, "address_id": address_id}).encode()


def open_loop_worker(config_path: Path) -> int:
    """Child process: send ``rate`` requests per second for ``duration`` seconds, each on its own
    connection at its scheduled time whether or not earlier ones have answered (open loop, like
    wrk2). Latency is measured from the scheduled time; service time from the connect. Prints one
    ``OPEN_LOOP {json}`` line."""
    cfg = json.loads(config_path.read_text())
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    rng = random.Random(cfg["seed"])
    users = [(line.split()[0], int(line.split()[1])) for line in Path(cfg["users"]).read_text().splitlines() if line]
    skus = [int(s) for s in Path(cfg["skus"]).read_text().split()]
    port, rate, duration, timeout = cfg["port"], cfg["rate"], cfg["duration"], cfg["timeout"]
    total = int(rate * duration)
    max_in_flight = cfg.get("max_in_flight", 2000)
    requests = []
    for i in range(total):
        token, address_id = users[i % len(users)]
        body = order_body(rng, cfg["scenario"], skus, address_id)
        requests.append(
            (
                f"POST /api/v1/orders HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )

    latencies: list[float] = []
    services: list[float] = []
    lags: list[float] = []
    statuses: dict[str, int] = {}
    samples: list[str] = []
    order_ids: list[int] = []
    counts = {"created": 0, "units": 0, "errors": 0, "dropped": 0, "in_flight": 0, "max_in_flight": 0}

    async def one(payload: bytes, due: float, loop: asyncio.AbstractEventLoop) -> None:
        started = loop.time()
        lags.append(started - due)
        counts["in_flight"] += 1
        counts["max_in_flight"] = max(counts["max_in_flight"], counts["in_flight"])
        writer = None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(payload)
                raw = await reader.read()  # Connection: close -> read to EOF
            finished = loop.time()
            head, _, body = raw.partition(b"\r\n\r\n")
            status = head.split(b" ", 2)[1].decode() if head.startswith(b"HTTP/") else "bad"
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(finished - due)
            services.append(finished - started)
            if status == "201":
                counts["created"] += 1
                counts["units"] += sum(int(q) for q in QUANTITY_RE.findall(body))
                if m := ORDER_ID_RE.match(body):
                    order_ids.append(int(m.group(1)))
            elif len(samples) < 3:
                samples.append(f"{status}: {body[:300].decode(errors='replace')}")
        except (OSError, TimeoutError, IndexError):
            counts["errors"] += 1
        finally:
            counts["in_flight"] -= 1
            if writer is not None:
                writer.close()

    async def main() -> float:
        loop = asyncio.get_running_loop()
        tasks = set()
        start = loop.time() + 0.2
        for i, payload in enumerate(requests):
            due = start + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if counts["in_flight"] >= max_in_flight:
                counts["dropped"] += 1
                continue
            task = asyncio.create_task(one(payload, due, loop))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=timeout + 5)
        return loop.time() - start

    elapsed = asyncio.run(main())
    latencies.sort()
    services.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1e6 if values else 0.0

    out = {
        "scheduled": total,
        "rate": rate,
        "duration_us": elapsed * 1e6,
        "requests": len(latencies),
        "created": counts["created"],
        "units": counts["units"],
        "other_status": sum(v for k, v in statuses.items() if k != "201"),
        "statuses": statuses,
        "errors": counts["errors"],
        "dropped": counts["dropped"],
        "max_in_flight": counts["max_in_flight"],
        "p50_us": pct(latencies, 50),
        "p90_us": pct(latencies, 90),
        "p99_us": pct(latencies, 99),
        "p999_us": pct(latencies, 99.9),
        "max_us": latencies[-1] * 1e6 if latencies else 0.0,
        "service_p50_us": pct(services, 50),
        "service_p99_us": pct(services, 99),
        "lag_p99_us": pct(sorted(lags), 99),
        "lag_max_us": max(lags) * 1e6 if lags else 0.0,
        "samples": samples,
        "order_ids": order_ids,
    }
    print("OPEN_LOOP " + json.dumps(out), flush=True)
    return 0
