"""``make cluster-test``: bring the topology up (PostgreSQL primary + streaming replica, migrate and
seed, two gunicorn nodes, nginx, a Celery worker and beat on RabbitMQ), run ``tests/cluster``
against nginx in this process (the checks get the live cluster to kill and restart parts of it),
print a summary table, and tear everything down — on success, failure or Ctrl-C alike. On failure
the tail of every log is printed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from scripts.cluster import postgres, report
from scripts.cluster.broker import prepare_broker, remove_broker
from scripts.cluster.processes import log_tail, run
from scripts.cluster.report import ClusterPlugin, print_summary
from scripts.cluster.topology import (
    NGINX_PORT,
    NODE_PORTS,
    PRIMARY_PORT,
    REDIS_BROKER_FALLBACK,
    REPLICA_PORT,
    ROOT,
    Cluster,
    base_env,
)


def _interrupted(signum, frame):  # SIGTERM ends the run like Ctrl-C: through the finally below
    raise KeyboardInterrupt


def _in_process_env(cluster: Cluster) -> None:
    """This process's own Django, for the checks' reads: the primary, no Redis, no broker (so no
    fixture of the test suite can touch the cluster's cache), a var folder of its own."""
    for key in list(os.environ):
        if key.startswith(("DATABASE_", "REDIS_", "CELERY_", "WECHATPAY_")):
            del os.environ[key]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fenxiao.settings",
        DATABASE_URL=cluster.replication.primary.url,
        FENXIAO_VAR_DIR=str(cluster.folder / "checks-var"),
        WECHAT_SANDBOX_ALLOWED="true",
        SWEEP_IN_PROCESS="false",
        FENXIAO_CLUSTER_URL=cluster.url,
    )


def _ports_free() -> None:
    """A cluster left over from a run that was killed would answer on our ports: say so, first."""
    taken = []
    for port in (PRIMARY_PORT, REPLICA_PORT, *NODE_PORTS, NGINX_PORT):
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                taken.append(port)
    if taken:
        raise RuntimeError(f"ports {taken} are in use (a cluster from an earlier run still up?)")


def bring_up(folder: Path, up: list[Cluster]) -> Cluster:
    """Start everything; the cluster goes into ``up`` as soon as it exists, so that a failure
    half-way still stops what was started."""
    started = time.monotonic()
    _ports_free()
    broker = prepare_broker(redis_fallback_url=REDIS_BROKER_FALLBACK)
    print(f"  broker: {broker.kind} {broker.url}", flush=True)
    replication = postgres.start_replication(folder, primary_port=PRIMARY_PORT, replica_port=REPLICA_PORT)
    print(f"  PostgreSQL primary :{PRIMARY_PORT}, replica :{REPLICA_PORT} streaming", flush=True)
    cluster = Cluster(folder=folder, replication=replication, broker=broker, env={})
    up.append(cluster)
    (folder / "logs").mkdir()
    (folder / "var").mkdir()
    cluster.env = base_env(folder, replication, broker)
    # Migrate and seed with tasks run eagerly (no broker): the data is there before any node starts.
    seed_env = {k: v for k, v in cluster.env.items() if k not in ("CELERY_BROKER_URL", "WECHATPAY_SANDBOX_NOTIFY_URL")}
    cli = [sys.executable, "-m", "fenxiao.cli"]
    run([*cli, "migrate", "--noinput"], env=seed_env, cwd=ROOT, timeout=600)
    facts_file = folder / "facts.json"
    run([sys.executable, "-m", "scripts.cluster.seed", str(facts_file)], env=seed_env, cwd=ROOT, timeout=600)
    cluster.facts = json.loads(facts_file.read_text())
    print(f"  migrated and seeded in {time.monotonic() - started:.0f}s", flush=True)
    cluster.start_nodes()
    cluster.start_nginx()
    cluster.start_worker()
    cluster.start_beat()
    replication.wait_caught_up()
    print(f"  up in {time.monotonic() - started:.0f}s: nginx :{NGINX_PORT} → nodes :18001 :18002", flush=True)
    return cluster


def main() -> int:
    import pytest

    signal.signal(signal.SIGTERM, _interrupted)
    folder = Path(tempfile.mkdtemp(prefix="fenxiao-cluster-"))
    folder.chmod(0o755)  # the postgres user and nginx's workers go through it
    up: list[Cluster] = []
    started = time.monotonic()
    code = 1
    plugin = ClusterPlugin()
    try:
        print("== cluster: bringing it up", flush=True)
        cluster = bring_up(folder, up)
        plugin.serve(cluster)
        _in_process_env(cluster)
        print("== cluster: checks (tests/cluster) through nginx", flush=True)
        argv = ["-p", "no:cacheprovider", "-q", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        code = int(pytest.main([*argv, str(ROOT / "tests" / "cluster")], plugins=[plugin, report]))
    except KeyboardInterrupt:
        print("\n== cluster: interrupted", flush=True)
        code = 130
    except Exception as exc:
        print(f"\n== cluster: could not bring it up: {exc}", flush=True)
        code = 2
    finally:
        if code != 0:
            _print_logs(folder)
        for cluster in up:
            cluster.stop()
            remove_broker(cluster.broker)
            cluster.replication.stop()
        if not up:
            _stop_leftover_postgres(folder)
        print_summary(plugin, up[0] if up else None, elapsed=time.monotonic() - started, code=code)
        shutil.rmtree(folder, ignore_errors=True)
    return code


def _stop_leftover_postgres(folder: Path) -> None:
    for name in ("replica", "primary"):
        data = folder / "pg" / name
        if (data / "postmaster.pid").exists():
            postgres.Instance(name, data, 0, folder / "pg" / f"{name}.log").stop()


def _print_logs(folder: Path) -> None:
    print("== cluster: the tail of every log", flush=True)
    for path in sorted([*folder.glob("logs/*.log"), *folder.glob("pg/*.log"), *folder.glob("nginx/logs/*.log")]):
        print(f"---- {path.relative_to(folder)} ----\n{log_tail(path, 40)}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
