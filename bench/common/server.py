"""The app server under load: its environment, gunicorn or granian on a 127.0.0.1 port in a process
group of its own, waiting for health, stopping it, and the distinct errors it logged."""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from common.base import BENCH_DIR, HOST, ROOT, VENV_BIN, BenchError, venv_tool


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="fenxiao.settings",
        DATABASE_URL=args.database_url,
        DB_CONN_MAX_AGE=str(args.conn_max_age),
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WECHAT_MODE="sandbox",
        WECHAT_SANDBOX_ALLOWED="true",  # a bench server is a demo: the sandbox is meant
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # seed_demo writes generated images under MEDIA_ROOT: keep them out of the dev mall's var/media.
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log_path: Path
    log_file: object = field(repr=False)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_gunicorn(args: argparse.Namespace, env: dict[str, str], workdir: Path, port: int | None = None) -> Server:
    port = port or free_port()
    cmd = [
        venv_tool("gunicorn"),
        args.app,
        "--pythonpath",
        str(BENCH_DIR),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--backlog",
        "2048",
        "--timeout",
        "30",
        "--graceful-timeout",
        "10",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
    ]
    if args.worker_class == "gthread":
        cmd += ["--threads", str(args.threads)]
    log_path = workdir / "gunicorn.log"
    log_file = log_path.open("w")
    # Own session: a Ctrl-C in the terminal reaches only this script, which then stops gunicorn itself.
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(proc=proc, port=port, log_path=log_path, log_file=log_file)


def add_server_option(p: argparse.ArgumentParser) -> None:
    """``--server``, read by ``start_server``: the benches that drive a whole app server offer both."""
    p.add_argument(
        "--server",
        choices=["gunicorn", "granian"],
        default="gunicorn",
        help="app server (default gunicorn; granian: .venv/bin/pip install granian, see bench/README.md)",
    )


def start_granian(args: argparse.Namespace, env: dict[str, str], workdir: Path, port: int | None = None) -> Server:
    """Granian (a Rust HTTP server) serving the same WSGI app: HTTP parsing and keep-alive in Rust,
    ``args.threads`` blocking threads per worker process run Django."""
    tool = shutil.which("granian", path=str(VENV_BIN)) or shutil.which("granian")
    if not tool:
        raise BenchError("granian is not installed: .venv/bin/pip install granian")
    port = port or free_port()
    cmd = [
        tool,
        "--interface",
        "wsgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        str(args.threads),
        # Beyond the backpressure limit granian closes connections, and wrk silently re-sends on
        # a new one: keep it above the number of connections.
        "--backpressure",
        str(args.connections * 2),
        "--no-ws",
        "--log-level",
        "warning",
        args.app,
    ]
    log_path = workdir / "granian.log"
    log_file = log_path.open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(proc=proc, port=port, log_path=log_path, log_file=log_file)


def start_server(args: argparse.Namespace, env: dict[str, str], workdir: Path, port: int | None = None) -> Server:
    """The app server ``args.server`` names (gunicorn when the script has no such option), on
    ``port`` or a free one."""
    if getattr(args, "server", "gunicorn") == "granian":
        return start_granian(args, env, workdir, port)
    return start_gunicorn(args, env, workdir, port)


def wait_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{server.port}/api/v1/health"
    last = ""
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
        except (OSError, http.client.HTTPException) as exc:
            last = str(exc)
        time.sleep(0.2)
    raise BenchError(f"/api/v1/health not healthy after {timeout:.0f}s (last: {last}):\n{server.log_tail()}")


def stop_gunicorn(server: Server) -> None:
    proc = server.proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            print("  gunicorn did not stop in 20s; killing its process group", file=sys.stderr)
            os.killpg(proc.pid, signal.SIGKILL)  # the group this script created for it, nothing else
            proc.wait(timeout=10)
    server.log_file.close()


def server_errors(log_path: Path, limit: int = 8) -> list[str]:
    """The distinct errors gunicorn logged (a 500 is logged with its traceback): each ERROR line
    with the final exception of the traceback after it, counted."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    found: dict[str, int] = {}
    skip = ("Traceback", "DETAIL", "HINT", "The above", "During handling")
    for i, line in enumerate(lines):
        if " ERROR " not in line and "[ERROR]" not in line:
            continue
        cause = ""
        for follow in lines[i + 1 :]:
            if " ERROR " in follow or "[ERROR]" in follow:
                break
            if follow.strip() and not follow[0].isspace() and not follow.startswith(skip):
                cause = follow.strip()  # the last one is the exception that reached the handler
        key = line.split(" ", 3)[-1][:160] + (f" -> {cause[:300]}" if cause else "")
        found[key] = found.get(key, 0) + 1
    return [f"{n} x {k}" for k, n in sorted(found.items(), key=lambda kv: -kv[1])[:limit]]
