"""One request as a WSGI server hands it to the app, for the scripts that time the app in process
(``stack_cost.py``, ``detail_cost.py``, ``order_cost.py``): no server, no socket, only the app's
own CPU, measured with ``time.process_time``."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Mapping
from typing import Any


def wsgi_environ(
    path: str, *, method: str = "GET", body: bytes = b"", headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The environ of ``method path`` from 127.0.0.1, with ``headers`` as ``HTTP_*`` keys; a body is
    sent as JSON. Call the app with ``with_body`` so each call reads a fresh input stream."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if body:
        env.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
    env.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()})
    return env


def with_body(template: Mapping[str, Any], body: bytes = b"") -> dict[str, Any]:
    """A copy of ``template`` with its own input stream holding ``body``."""
    env = dict(template, **{"wsgi.input": io.BytesIO(body)})
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    return env


def wsgi_call(app: Callable, env: Mapping[str, Any]) -> tuple[str, bytes]:
    """The status line and body of one call, the answer closed as a server closes it."""
    status: list[str] = []

    def start_response(s: str, headers: list, exc_info: object = None) -> None:
        status.append(s)

    answer = app(dict(env), start_response)
    try:
        content = b"".join(answer)
    finally:
        if hasattr(answer, "close"):
            answer.close()
    return status[0], content
