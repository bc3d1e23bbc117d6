"""The two floors every HTTP figure is compared with (issue 22): a bare WSGI app that answers "ok",
and a no-op Django view mounted at ``/api/v1/_noop`` behind Fenxiao's whole middleware stack (a
bench-only URLconf: the shop itself has no such route). ``DJANGO_SETTINGS_MODULE=floors.noop``
with ``bench/`` on the path serves them under gunicorn (``floors.noop:bare_app`` for the first)."""

from __future__ import annotations

from fenxiao.settings import *  # noqa: F403  (the shop's settings, one URLconf changed)

ROOT_URLCONF = "floors.noop_urls"


def bare_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
