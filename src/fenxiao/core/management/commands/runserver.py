"""``fenxiao runserver`` (what ``make run`` serves the embedded mall with): Django's development
server, static files included, whose request threads close their database connections when they end.

The threaded development server starts a thread per client connection, and Django keeps a database
connection per thread, open for ``CONN_MAX_AGE`` after each request (60 s by default, which saves a
PostgreSQL connection set-up per request in production's long-lived workers). A dev-server thread
ends with its client's connection, though, and nothing closed its database connection then: it
stayed open on the server until the garbage collector happened to free it, so a few hundred
sandbox logins exhausted PostgreSQL's 100 connection slots. Django's own test server
(``ThreadedWSGIServer``) closes them the same way."""

from __future__ import annotations

import socket

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver
from django.core.servers.basehttp import WSGIServer
from django.db import connections


class ConnectionClosingWSGIServer(WSGIServer):
    def close_request(self, request: socket.socket) -> None:
        """Runs in the thread that served the client, as its last step (``ThreadingMixIn``), so
        it closes that thread's connections and no other's."""
        try:
            connections.close_all()
        finally:
            super().close_request(request)


class Command(StaticfilesRunserver):
    server_cls = ConnectionClosingWSGIServer
