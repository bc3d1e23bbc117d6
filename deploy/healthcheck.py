"""The image's HEALTHCHECK: ``GET /api/v1/health`` on this node, with Python's urllib because the
slim image has no curl. Exit 0 on 200 (``ok`` or ``degraded``: Redis down is no reason to drop a
node), 1 on anything else (503 when the database does not answer, no answer at all).

Django refuses a Host that is not in ``ALLOWED_HOSTS``, so the request names the first usable
entry; the health path is exempt from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT)."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

HEALTH_PATH = "/api/v1/health"


def host_header(allowed_hosts: str) -> str:
    """The first ``ALLOWED_HOSTS`` entry a request can carry: ``.example.com`` (any subdomain) is
    ``example.com``; ``*`` and blanks are skipped; nothing usable is Django's own default."""
    for entry in allowed_hosts.split(","):
        name = entry.strip().lstrip(".")
        if name and name != "*":
            return name
    return "127.0.0.1"


def port(bind: str) -> str:
    """The port of gunicorn's ``GUNICORN_BIND`` (``0.0.0.0:8000``, ``[::]:8000``)."""
    return bind.rsplit(":", 1)[-1]


def main() -> int:
    url = f"http://127.0.0.1:{port(os.environ.get('GUNICORN_BIND', '0.0.0.0:8000'))}{HEALTH_PATH}"
    request = urllib.request.Request(url, headers={"Host": host_header(os.environ.get("ALLOWED_HOSTS", ""))})
    try:
        with urllib.request.urlopen(request, timeout=4) as answer:
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"health check failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
