"""The Fenxiao server the mini-program's jest journeys talk to: sandbox WeChat, its own database
(a fresh SQLite file, or a fresh PostgreSQL database beside ``DATABASE_URL``'s), migrated and
seeded with the demo catalogue, served on a free loopback port. It prints one JSON line (the URL
and the environment a ``fenxiao`` command needs to act on the same database, e.g. ``sweep``) and
serves until it is terminated, then drops the PostgreSQL database it made.

Requests are served one at a time: the journeys are sequential per test file, and a serial server
keeps a ``sweep --as-of`` run from another process the only thing that moves the clock."""

from __future__ import annotations

import atexit
import io
import json
import os
import signal
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

SEED_SKUS = 60


def _postgres_database(url: str) -> tuple[str, str, str]:
    """A new database on the same server: (its URL, the maintenance URL, its name)."""
    parts = urlsplit(url)
    name = f"fenxiao_mp_{os.getpid()}"
    own = urlunsplit(parts._replace(path=f"/{name}"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return own, maintenance, name


def _prepare_environment() -> None:
    var_dir = tempfile.mkdtemp(prefix="fenxiao-mp-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "fenxiao.settings",
            "FENXIAO_VAR_DIR": var_dir,
            "WECHAT_MODE": "sandbox",
            "WECHAT_SANDBOX_ALLOWED": "true",
            "CACHE_KEY_PREFIX": f"fenxiao-mp-{os.getpid()}",
            "DEBUG": "false",
        }
    )
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        own, maintenance, name = _postgres_database(url)
        with psycopg.connect(maintenance.replace("postgresql://", "postgres://", 1), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(maintenance, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
        os.environ["DATABASE_URL"] = own
    else:
        os.environ.pop("DATABASE_URL", None)


def main() -> None:
    _prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", skus=SEED_SKUS, history_days=0, verbosity=0, stdout=io.StringIO())

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args) -> None:
            return

    server = WSGIServer(("127.0.0.1", 0), QuietHandler, ipv6=False)
    server.set_app(get_wsgi_application())
    host, port = server.server_address[:2]
    keys = ("DATABASE_URL", "FENXIAO_VAR_DIR", "WECHAT_MODE", "WECHAT_SANDBOX_ALLOWED", "CACHE_KEY_PREFIX", "REDIS_URL")
    print(
        json.dumps({"url": f"http://{host}:{port}", "env": {k: os.environ[k] for k in keys if k in os.environ}}),
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
