"""A throwaway ``redis-server`` of the test's own, to play outages on without touching the shared
one: ``stop()`` freezes it (SIGSTOP: connections open, nothing answers, as a hung server or a
network dropping packets), ``resume()`` thaws it, ``kill()`` ends it and ``start()`` brings up an
empty one on the same port (a restart without persistence)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, workdir: str) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*args, "--dir", self.workdir], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:  # the server says when it listens
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        self.process.stdout.close()  # nothing reads it from here on: never let the server block on it

    def stop(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server on PATH")
    server = RedisServer(str(tmp_path))
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_cache(redis_server) -> Iterator[RedisServer]:
    """Django's cache on the throwaway server (restored before the server goes away)."""
    from django.test import override_settings

    backend = {
        "BACKEND": "fenxiao.core.cache_backend.RedisCache",
        "LOCATION": redis_server.url,
        "OPTIONS": {"socket_timeout": 0.2},
    }
    with override_settings(CACHES={"default": backend}):
        yield redis_server
