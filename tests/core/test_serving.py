"""``fenxiao serve``: the granian node's command line from the node's settings, refusals of settings
it cannot start with, and a real node answering the API over a kept-alive connection."""

from __future__ import annotations

import http.client
import os
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fenxiao.core.serving import ServeConfigError, bind_address, granian_argv, granian_executable

ROOT = Path(__file__).resolve().parents[2]


def _flag(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_the_defaults_are_two_processes_per_core_with_two_threads_on_port_8000():
    argv = granian_argv({}, cpu_count=4, executable="/venv/bin/granian")

    assert argv[0] == "/venv/bin/granian" and argv[-1] == "fenxiao.wsgi:application"
    assert (_flag(argv, "--interface"), _flag(argv, "--host"), _flag(argv, "--port")) == ("wsgi", "0.0.0.0", "8000")
    assert (_flag(argv, "--workers"), _flag(argv, "--blocking-threads")) == ("8", "2")
    assert "--respawn-failed-workers" in argv and "--no-ws" in argv and "--access-log" not in argv


def test_the_node_settings_are_read_with_gunicorns_names_as_fallback():
    env = {"GUNICORN_BIND": "127.0.0.1:9001", "WEB_CONCURRENCY": "3", "WEB_THREADS": "16", "GUNICORN_ACCESS_LOG": "on"}
    argv = granian_argv(env, cpu_count=2, executable="granian")

    assert (_flag(argv, "--host"), _flag(argv, "--port")) == ("127.0.0.1", "9001")
    assert (_flag(argv, "--workers"), _flag(argv, "--blocking-threads")) == ("3", "16")
    assert "--access-log" in argv
    assert bind_address({"WEB_BIND": "[::]:8080", "GUNICORN_BIND": "0.0.0.0:1"}) == ("::", 8080)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WEB_BIND": "8000"}, "WEB_BIND"),
        ({"WEB_BIND": "0.0.0.0:http"}, "WEB_BIND"),
        ({"WEB_BIND": "0.0.0.0:70000"}, "WEB_BIND"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY"),
        ({"WEB_THREADS": "many"}, "WEB_THREADS"),
        ({"WEB_THREADS": "65"}, "WEB_THREADS"),
    ],
)
def test_a_setting_the_node_cannot_start_with_is_refused_by_name(env, named):
    with pytest.raises(ServeConfigError, match=named):
        granian_argv(env, cpu_count=2, executable="granian")


def test_the_command_reports_a_bad_setting_without_starting(monkeypatch):
    monkeypatch.setenv("WEB_THREADS", "0")
    with pytest.raises(CommandError, match="WEB_THREADS 必须是 1 到 64 之间的整数"):
        call_command("serve")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_started(node: subprocess.Popen, port: int, within: float = 60.0) -> None:
    """Read the node's log until granian says it listens and its worker has started (the worker
    holds the listening socket: a connection made before it is refused)."""
    deadline = time.monotonic() + within
    seen: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(node.stdout, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0 and selector.select(timeout=left):
            line = node.stdout.readline()
            if not line:
                break
            seen.append(line)
            if b"Listening at" in line and str(port).encode() not in line:
                break
            if b"Started worker-1" in line:
                return
    raise AssertionError(b"".join(seen).decode(errors="replace") or "granian said nothing")


def _answer(conn: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response


def test_a_granian_node_answers_the_api_over_one_kept_alive_connection(tmp_path):
    """The installed ``fenxiao serve`` on an empty SQLite mall: health answers with the API's
    headers, twice over the same connection, and the metrics folder starts empty."""
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_stale.db").write_bytes(b"left by a previous life")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        WEB_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        WEB_THREADS="2",
        FENXIAO_VAR_DIR=str(tmp_path / "var"),
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
        SECRET_KEY="serve-test-only-secret-key-0123456789-abcdefghijklmnop",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        WECHAT_SANDBOX_ALLOWED="true",
        SWEEP_IN_PROCESS="false",
    )
    fenxiao = Path(sys.executable).parent / "fenxiao"
    assert granian_executable()
    node = subprocess.Popen(
        [str(fenxiao), "serve"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_started(node, port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        first = _answer(conn, "/api/v1/health")
        kept = conn.sock
        second = _answer(conn, "/api/v1/health")

        assert first.status == second.status == 200
        assert not first.will_close and conn.sock is kept  # not reconnected: the connection was kept
        assert first.getheader("X-Request-ID") and first.getheader("Content-Length")
        assert first.getheader("X-Content-Type-Options") == "nosniff"
        assert "counter_stale.db" not in {p.name for p in metrics.iterdir()}
        conn.close()
    finally:
        node.terminate()
        node.wait(timeout=30)
