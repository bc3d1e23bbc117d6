"""gunicorn's settings for a Fenxiao web node (the image's default command; `make cluster-test`
starts its nodes with it too). Everything an operator tunes comes from the environment:

- ``GUNICORN_BIND``: where to listen (``0.0.0.0:8000``).
- ``WEB_CONCURRENCY``: worker processes; default 2 × cores + 1, at most 12. Each holds one
  database connection (README, "Database connections and outages").
- ``GUNICORN_TIMEOUT``: seconds a request may run before its worker is killed (60: the largest
  synchronous export, ``EXPORT_SYNC_MAX_ROWS``, fits; bigger ones run on the Celery worker).
- ``GUNICORN_ACCESS_LOG``: ``true`` writes one JSON line per request to stdout. Off by default:
  nginx logs every request already, with the same request id.
- ``FORWARDED_ALLOW_IPS``: whose ``X-Forwarded-Proto`` gunicorn believes; by default the app's own
  ``TRUSTED_PROXIES``, else 127.0.0.1.

Sync workers are right behind nginx: nginx buffers slow clients' requests and answers, so a worker
is busy only while Django runs, and one request per process is what the connection sizing assumes.

With ``PROMETHEUS_MULTIPROC_DIR`` set, the workers' metrics live in files in that directory:
``on_starting`` clears what a previous run left there (each master needs its own directory) and
``child_exit`` tells prometheus_client that a worker has gone, so its live gauges stop counting
(both from ``fenxiao.core.observability.gunicorn_hooks``, which says more)."""

from __future__ import annotations

import os
from pathlib import Path

from fenxiao.core.env import is_true
from fenxiao.core.observability.gunicorn_hooks import child_exit, on_starting

__all__ = ["child_exit", "on_starting"]  # gunicorn finds its server hooks by name in this module

MAX_DEFAULT_WORKERS = 12


def default_workers() -> int:
    """2 × cores + 1 (gunicorn's advice for sync workers), capped: past a dozen processes a node
    holds more database connections than it gains throughput."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
# On SIGTERM (a rolling restart) a worker finishes the request it holds within this time.
graceful_timeout = 30
# A worker is replaced after this many requests (jittered so they do not all restart at once):
# whatever a long-lived process accumulates is given back.
max_requests = 5000
max_requests_jitter = 500
# The heartbeat file on tmpfs: a container's /tmp may be an overlay that stalls under load.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
# gunicorn 23+'s control socket sits at $HOME/.gunicorn/gunicorn.ctl: two nodes on one host would
# share it. Nodes are steered by signals (HUP reloads, TERM stops), so none is opened.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"

errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if is_true(os.environ.get("GUNICORN_ACCESS_LOG", "")):
    accesslog = "-"
    access_log_format = (
        '{"time": "%(t)s", "request_id": "%({x-request-id}i)s", "remote_addr": "%(h)s", '
        '"method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s}'
    )
else:
    accesslog = None
