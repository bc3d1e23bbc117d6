"""The running cluster: its ports, the environment every node and worker shares, the processes
(two gunicorn nodes, nginx, a Celery worker and beat) with what the checks do to them — kill -9,
restart, take a node out of nginx — and the figures the checks leave for the summary table."""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from scripts.cluster import nginx
from scripts.cluster.broker import Broker
from scripts.cluster.postgres import Replication
from scripts.cluster.processes import Service, wait_until

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PRIMARY_PORT, REPLICA_PORT = 55432, 55433
NODE_PORTS = (18001, 18002)
NGINX_PORT = 18080
REDIS_URL = "redis://127.0.0.1:6379/8"  # cache, seckill gate, throttles
REDIS_BROKER_FALLBACK = "redis://127.0.0.1:6379/7"  # only when RabbitMQ refuses a vhost
QUEUES = "default,payments,notifications,reports"  # fenxiao.core.task_routing.QUEUES
SWEEP_INTERVAL_SECONDS = 5
GUNICORN_WORKERS = 2

# What the cluster's processes must not inherit from the shell that started the orchestrator.
FOREIGN = ("DATABASE_", "REDIS_", "CELERY_", "WECHAT", "FENXIAO_", "DB_", "SWEEP_", "CACHE_", "MEDIA_", "STATIC_")


def tool(name: str) -> str:
    return str(VENV_BIN / name)


def base_env(folder: Path, replication: Replication, broker: Broker) -> dict[str, str]:
    """The one environment of every node, the worker and beat (a deployment's env file)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN)}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="fenxiao.settings",
        DATABASE_URL=replication.primary.url,
        DATABASE_REPLICA_URL=replication.replica.url,
        DB_CONN_MAX_AGE="60",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX="fenxiao-cluster",
        CELERY_BROKER_URL=broker.url,
        FENXIAO_VAR_DIR=str(folder / "var"),  # the sandbox WeChat Pay keys: every node the same
        SECRET_KEY="cluster-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        TRUSTED_PROXIES=HOST,  # nginx: the client is the X-Forwarded-For it appends
        WECHAT_MODE="sandbox",
        WECHAT_SANDBOX_ALLOWED="true",
        # WeChat posts payment notifications to the public URL: nginx, whichever node it picks.
        WECHATPAY_SANDBOX_NOTIFY_URL=f"http://{HOST}:{NGINX_PORT}/api/v1/payments/wechat/notify",
        SWEEP_INTERVAL_SECONDS=str(SWEEP_INTERVAL_SECONDS),
        SWEEP_IN_PROCESS="false",
        WEB_CONCURRENCY=str(GUNICORN_WORKERS),
        LOG_LEVEL="INFO",
    )
    return env


@dataclass
class Cluster:
    folder: Path
    replication: Replication
    broker: Broker
    env: dict[str, str]
    nodes: list[Service] = field(default_factory=list)
    nginx: Service | None = None
    worker: Service | None = None
    beat: Service | None = None
    facts: dict = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{NGINX_PORT}"

    @property
    def node_urls(self) -> list[str]:
        return [f"http://{HOST}:{port}" for port in NODE_PORTS]

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    def note(self, check: str, line: str) -> None:
        """A figure for the summary table (and the live output)."""
        print(f"  [{check}] {line}", flush=True)
        self.notes.setdefault(check, []).append(line)

    # -- the processes -------------------------------------------------------------------------

    def node(self, index: int) -> Service:
        port = NODE_PORTS[index]
        # The deploy's gunicorn settings (sync workers, timeouts, JSON error log), WEB_CONCURRENCY
        # from the shared environment; only the address differs between the nodes.
        argv = [
            tool("gunicorn"),
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{port}",
            "--name",
            f"fenxiao-node-{'ab'[index]}",
            "fenxiao.wsgi:application",
        ]
        return Service(f"node-{'ab'[index]}", argv, self.env, self.logs / f"node-{'ab'[index]}.log", ROOT)

    def start_nodes(self) -> None:
        self.nodes = [self.node(i).start() for i in range(len(NODE_PORTS))]
        for index in range(len(self.nodes)):
            self.wait_node(index)

    def wait_node(self, index: int, timeout: float = 60.0) -> None:
        service, url = self.nodes[index], self.node_urls[index]

        def healthy() -> bool:
            if not service.alive:
                raise RuntimeError(f"{service.name} exited:\n{service.tail()}")
            return httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200

        wait_until(f"{service.name} healthy", healthy, timeout=timeout)

    @property
    def nginx_folder(self) -> Path:
        return self.folder / "nginx"

    def start_nginx(self) -> None:
        conf = nginx.write_config(
            self.nginx_folder,
            listen=f"{HOST}:{NGINX_PORT} backlog=2048",
            servers=[f"{HOST}:{p}" for p in NODE_PORTS],
            media_root=self.folder / "var" / "media",
        )
        self.nginx = Service(
            "nginx", nginx.nginx_argv(conf, self.nginx_folder), self.env, self.logs / "nginx.log", ROOT
        )
        self.nginx.start()
        wait_until(
            "nginx answers", lambda: httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200, timeout=30
        )

    def use_nodes(self, ports: tuple[int, ...]) -> None:
        """nginx balances over these nodes only (the upstream include rewritten, then a reload)."""
        assert self.nginx is not None and self.nginx.pid is not None
        nginx.write_upstream(self.nginx_folder, [f"{HOST}:{p}" for p in ports])
        before = nginx.worker_starts(self.nginx_folder)
        os.kill(self.nginx.pid, signal.SIGHUP)  # nginx re-reads its configuration, no request lost
        wait_until("nginx reloaded", lambda: nginx.worker_starts(self.nginx_folder) > before, timeout=15)

    def served_by(self, method: str, uri_prefix: str) -> list[str]:
        """The node that served each matching request so far (nginx's access log)."""
        return nginx.served_by(self.nginx_folder, method, uri_prefix)

    def celery_worker(self) -> Service:
        argv = [
            tool("celery"),
            "-A",
            "fenxiao",
            "worker",
            "-Q",
            QUEUES,
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "--hostname",
            "cluster-worker@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        return Service("worker", argv, self.env, self.logs / "worker.log", ROOT)

    def celery_beat(self) -> Service:
        argv = [
            tool("celery"),
            "-A",
            "fenxiao",
            "beat",
            "--loglevel",
            "INFO",
        ]
        return Service("beat", argv, self.env, self.logs / "beat.log", ROOT)

    def start_worker(self) -> None:
        self.worker = self.worker or self.celery_worker()
        before = self.worker.log.read_text(errors="replace").count(" ready.") if self.worker.log.exists() else 0
        self.worker.start()
        wait_until(
            "the Celery worker is ready",
            lambda: self.worker.log.read_text(errors="replace").count(" ready.") > before,
            timeout=60,
        )

    def start_beat(self) -> None:
        self.beat = self.beat or self.celery_beat()
        self.beat.start()

    def services(self) -> list[Service]:
        return [s for s in (*self.nodes, self.nginx, self.worker, self.beat) if s is not None]

    def stop(self) -> None:
        for service in reversed(self.services()):
            try:
                service.stop()
            except Exception as exc:  # teardown goes on
                print(f"  could not stop {service.name}: {exc}")
