"""``make run`` serves with ``fenxiao runserver``, Django's threaded development server: a thread
per client connection. Each thread that queried the database must close its connection when it
ends, or PostgreSQL's slots run out (two hundred sandbox logins used to exhaust its 100). Proven
with the real server against the test database and many clients at once, counting what
PostgreSQL itself reports in ``pg_stat_activity``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

import httpx
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

DEV_SERVER = "fenxiao-dev-server-under-test"
CLIENTS_AT_ONCE = 8
REQUESTS = 64


@pytest.fixture
def dev_server(tmp_path):
    """``fenxiao runserver`` on a free port, on the test database, keeping connections 60 s."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    url += f"?application_name={DEV_SERVER}"  # tells its connections from the test's own
    env = {**os.environ, "DATABASE_URL": url, "DB_CONN_MAX_AGE": "60", "FENXIAO_VAR_DIR": str(tmp_path)}
    env |= {"DB_POOL_MAX_SIZE": "0", "SWEEP_IN_PROCESS": "false", "PYTHONUNBUFFERED": "1"}
    env |= {"WECHAT_SANDBOX_ALLOWED": "true"}  # as `make run` says: a sandbox demo with DEBUG off
    command = [sys.executable, "-m", "fenxiao.cli", "runserver", "127.0.0.1:0", "--noreload"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert server.stdout is not None
    port, said = None, []
    for line in server.stdout:  # printed once the socket is bound
        said.append(line)
        found = re.search(r"Starting development server at http://127\.0\.0\.1:(\d+)/", line)
        if found:
            port = int(found.group(1))
            break
    threading.Thread(target=server.stdout.read, daemon=True).start()  # never let it block on output
    try:
        assert port, "the development server did not start:\n" + "".join(said)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def connections_of_the_dev_server() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [DEV_SERVER])
        return cursor.fetchone()[0]


def test_the_dev_server_holds_no_connection_per_finished_client(dev_server):
    def client(k: int) -> list[int]:
        statuses = []
        for i in range(k, REQUESTS, CLIENTS_AT_ONCE):
            with httpx.Client(base_url=dev_server, timeout=30) as http:  # a new client each time
                if i % 2:
                    response = http.post("/api/v1/auth/wechat-login", json={"code": f"sandbox-visitor{i}"})
                else:
                    response = http.get("/api/v1/products")
                statuses.append(response.status_code)
        return statuses

    results: list[list[int]] = [[] for _ in range(CLIENTS_AT_ONCE)]
    threads = [threading.Thread(target=lambda k=k: results.__setitem__(k, client(k))) for k in range(CLIENTS_AT_ONCE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(s for r in results for s in r) == [200] * REQUESTS
    # Every client is done, so every server thread is, or is about to be. An idle server frees
    # nothing by itself (its garbage collector only runs as it allocates): a connection left open
    # by a finished thread stays open, and the count never reaches zero.
    assert settles_at_zero(connections_of_the_dev_server), connections_of_the_dev_server()


def settles_at_zero(count, within: float = 10.0) -> bool:
    """Whether ``count()`` reaches 0 within ``within`` seconds of real time: the server's last
    threads finish, and PostgreSQL's backends exit, a few milliseconds after their client is done."""
    deadline = time.monotonic() + within
    done = threading.Event()
    while count() != 0:
        if time.monotonic() > deadline:
            return False
        done.wait(0.05)
    return True
