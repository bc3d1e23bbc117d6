"""A web node served by granian (``fenxiao serve``) instead of gunicorn's sync workers.

Why (bench/README.md, "granian as the node's server"): a gunicorn sync worker parses HTTP in
Python and closes every connection after its answer, so each request also pays a TCP handshake and
a lingering close. Profiled under the seckill crowd, gunicorn and the kernel's socket work took
about 85 % of a worker's time and the seckill lane 15 %. granian keeps connections alive and does
the HTTP and the sockets in Rust; Django runs in a few blocking threads per process. On the same
2-core box it served the seckill crowd's refusals at 4.5 times gunicorn's rate (11,394 against
2,509 req/s) and the whole default sale 39 % faster (4,208 against 3,022 req/s).

gunicorn stays the image's default command (``deploy/gunicorn.conf.py``): its request timeout kills a
stuck worker, which granian has no equivalent of, and its hooks forget a dead worker's live gauges.
Choose granian where throughput per core matters more (a flash sale); the settings it takes:

- ``WEB_BIND`` (else ``GUNICORN_BIND``, else ``0.0.0.0:8000``): where to listen;
- ``WEB_CONCURRENCY``: worker processes, two per core by default;
- ``WEB_THREADS``: Django's threads per process (2). Measured on 2 cores (bench/README.md), four
  processes of two threads took the seckill crowd at 4,208 req/s, two of eight at 3,553: Django's
  work is bound by each process's GIL, so processes count more than threads. Each thread holds its own database
  connection unless ``DB_POOL_MAX_SIZE`` caps the process: size PostgreSQL's ``max_connections``
  for processes × threads per node;
- ``GUNICORN_ACCESS_LOG``: ``true`` logs each request (granian's own format);
- any other ``GRANIAN_*`` variable tunes what this leaves to granian (backlog, backpressure,
  keep-alive, worker lifetime), as granian's documentation says.

``PROMETHEUS_MULTIPROC_DIR`` is emptied before the server starts, as gunicorn's ``on_starting``
does."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from fenxiao.core.env import is_true

DEFAULT_BIND = "0.0.0.0:8000"
DEFAULT_THREADS = 2
PROCESSES_PER_CORE = 2
MAX_THREADS = 64


class ServeConfigError(ValueError):
    """A setting the node cannot start with; the message names it and says what it takes."""


def _positive(environ: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ServeConfigError(f"{name} 必须是 1 到 {maximum} 之间的整数，现在是 {raw!r}")
    return int(raw)


def bind_address(environ: Mapping[str, str]) -> tuple[str, int]:
    """``host:port`` (``[::]:8000`` for IPv6) as granian's host and port."""
    raw = (environ.get("WEB_BIND") or environ.get("GUNICORN_BIND") or DEFAULT_BIND).strip()
    host, sep, port = raw.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ServeConfigError(f"WEB_BIND 应为 主机:端口，如 0.0.0.0:8000，现在是 {raw!r}")
    return host, int(port)


def granian_argv(
    environ: Mapping[str, str], *, cpu_count: int, executable: str, app: str = "fenxiao.wsgi:application"
) -> list[str]:
    """The command line of a granian node serving ``app`` with this environment's settings."""
    host, port = bind_address(environ)
    workers = _positive(environ, "WEB_CONCURRENCY", PROCESSES_PER_CORE * max(cpu_count, 1), 64)
    threads = _positive(environ, "WEB_THREADS", DEFAULT_THREADS, MAX_THREADS)
    argv = [
        executable,
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        # A worker that dies (out of memory, a crash in a C extension) is replaced, as gunicorn's
        # arbiter replaces one.
        "--respawn-failed-workers",
    ]
    if is_true(environ.get("GUNICORN_ACCESS_LOG", "")):
        argv.append("--access-log")
    argv.append(app)
    return argv


def granian_executable() -> str:
    """The ``granian`` script beside this interpreter (the virtual environment's), else on PATH."""
    found = shutil.which("granian", path=str(Path(sys.executable).parent)) or shutil.which("granian")
    if not found:
        raise ServeConfigError("找不到 granian：请先安装项目依赖（make install 或 pip install fenxiao）")
    return found


def serve(environ: Mapping[str, str] | None = None) -> None:
    """Replace this process with the granian node (it never returns)."""
    from fenxiao.core.observability.gunicorn_hooks import wipe_multiproc_dir

    environ = os.environ if environ is None else environ
    argv = granian_argv(environ, cpu_count=os.cpu_count() or 1, executable=granian_executable())
    wipe_multiproc_dir()
    os.execv(argv[0], argv)
