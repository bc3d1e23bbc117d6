"""The Celery broker of the cluster: the machine's RabbitMQ on a vhost of its own (so its queues,
named like every other Fenxiao's — default, payments, notifications, reports — collide with no one),
emptied at the start; or, where ``rabbitmqctl add_vhost`` is not allowed, a Redis database of its
own. And how many messages are still queued or unacknowledged, to wait for the queues to drain."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from dataclasses import dataclass

import redis

VHOST = "fenxiao_cluster"


@dataclass(frozen=True)
class Broker:
    url: str
    kind: str  # "rabbitmq" or "redis"

    def pending(self) -> dict[str, int]:
        """Messages per queue not yet acknowledged (ready + delivered to a worker, unacked)."""
        if self.kind == "rabbitmq":
            out = _rabbitmqctl("list_queues", "-p", VHOST, "name", "messages")
            return {name: int(n) for name, n in (line.split("\t") for line in out.splitlines() if "\t" in line)}
        client = redis.Redis.from_url(self.url)
        counts = {key.decode(): client.llen(key) for key in client.keys("*") if client.type(key) == b"list"}
        counts["unacked"] = client.hlen("unacked") if client.exists("unacked") else 0
        return counts

    def drained(self) -> bool:
        return not any(self.pending().values())

    def wait_drained(self, timeout: float = 90.0) -> None:
        """Until no queue holds a message, ready or unacknowledged (polled once a second)."""
        deadline = time.monotonic() + timeout
        while (pending := self.pending()) and any(pending.values()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the queues did not drain within {timeout:.0f}s: {pending}")
            time.sleep(1)


def _rabbitmqctl(*args: str) -> str:
    done = subprocess.run(
        ["rabbitmqctl", "-q", *args, "--no-table-headers"]
        if args[0] == "list_queues"
        else ["rabbitmqctl", "-q", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def prepare_broker(*, redis_fallback_url: str) -> Broker:
    """A fresh vhost on the local RabbitMQ (guest gets all rights on it), else the Redis database."""
    if shutil.which("rabbitmqctl"):
        with contextlib.suppress(RuntimeError):  # there was none
            _rabbitmqctl("delete_vhost", VHOST)
        try:
            _rabbitmqctl("add_vhost", VHOST)
            _rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
            return Broker(url=f"amqp://guest:guest@127.0.0.1:5672/{VHOST}", kind="rabbitmq")
        except RuntimeError as exc:
            print(f"  RabbitMQ vhost refused ({exc}); the broker is Redis {redis_fallback_url}")
    redis.Redis.from_url(redis_fallback_url).flushdb()
    return Broker(url=redis_fallback_url, kind="redis")


def remove_broker(broker: Broker) -> None:
    if broker.kind == "rabbitmq":
        try:
            _rabbitmqctl("delete_vhost", VHOST)
        except RuntimeError as exc:
            print(f"  could not delete the RabbitMQ vhost {VHOST}: {exc}")
    else:
        redis.Redis.from_url(broker.url).flushdb()
