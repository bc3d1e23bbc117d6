"""deploy/nginx/fenxiao.conf, rendered as `make cluster-test` renders it, in front of two stand-in
nodes: one answers, the other takes each request and drops the connection (a worker killed
mid-request). A GET is retried on the good node; a POST the dropped node already received is
not sent again (it may have placed an order); the request id and client address reach the node,
and JSON is compressed. Runs only where Debian's nginx is installed."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.files import ROOT

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


class Node(BaseHTTPRequestHandler):
    """The good node: records what it received and answers with a JSON echo of the headers."""

    seen: list[tuple[str, str, dict[str, str]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Node.seen.append((self.command, self.path, dict(self.headers)))
        body = json.dumps({"headers": dict(self.headers), "padding": "x" * 4000}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


class Dropper(socketserver.BaseRequestHandler):
    """The bad node: reads the request line, records it and closes without a word."""

    seen: list[str] = []

    def handle(self) -> None:
        Dropper.seen.append(self.request.recv(65536).split(b"\r\n", 1)[0].decode())
        self.request.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(tmp_path) -> Iterator[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from render_nginx import render
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    Node.seen, Dropper.seen = [], []
    good = ThreadingHTTPServer(("127.0.0.1", 0), Node)
    bad = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Dropper)
    for server in (good, bad):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    servers = [f"127.0.0.1:{good.server_address[1]}", f"127.0.0.1:{bad.server_address[1]}"]
    conf = render(tmp_path / "nginx", servers=servers, listen=f"127.0.0.1:{port}", media_root=tmp_path)
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path / "nginx"), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        good.shutdown()
        bad.shutdown()


def call(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = b"{}" if method == "POST" else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_get_a_node_dropped_is_answered_by_the_other_node(nginx):
    answers = [call(f"{nginx}/api/v1/products?page={n}")[0] for n in range(6)]
    assert answers == [200] * 6
    assert Dropper.seen, "the dropping node had its turn"
    assert len([s for s in Node.seen if s[0] == "GET"]) == 6


def test_a_post_a_node_received_is_never_sent_to_another(nginx):
    statuses = [call(f"{nginx}/api/v1/orders", method="POST")[0] for _ in range(6)]
    dropped = [line for line in Dropper.seen if line.startswith("POST")]
    served = [s for s in Node.seen if s[0] == "POST"]
    assert dropped, "the dropping node had its turn"
    assert statuses.count(502) == len(dropped)
    assert len(served) + len(dropped) == 6, "each POST reached exactly one node"


def test_the_node_gets_a_request_id_and_the_client_address(nginx):
    Dropper.seen = []
    for _ in range(4):  # until the good node answers
        status, headers, body = call(f"{nginx}/api/v1/health", headers={"Accept-Encoding": "gzip"})
        if status == 200:
            break
    assert headers["Content-Encoding"] == "gzip", "JSON is compressed"
    received = json.loads(gzip.decompress(body))["headers"]
    assert re.fullmatch(r"[0-9a-f]{32}", received["X-Request-ID"])
    assert headers["X-Request-ID"] == received["X-Request-ID"]
    assert received["X-Forwarded-For"] == "127.0.0.1"
    assert received["X-Forwarded-Proto"] == "http"

    status, headers, _ = call(f"{nginx}/api/v1/health", headers={"X-Request-ID": "shopper-42.retry-1"})
    assert headers["X-Request-ID"] == "shopper-42.retry-1", "a client's own id is kept"
    _, headers, _ = call(f"{nginx}/api/v1/health", headers={"X-Request-ID": "<script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"]), "anything else is replaced"
