"""CPU per request of the middleware stack, in-process: the bare WSGI app, and the no-op view through
the pages' stack (no token) and through the API's lane (a bearer token). Each request
is a WSGI call in this process timed with ``time.process_time``, so the figures hold on a busy
machine (a load from another process does not enter this process's CPU time), unlike req/s.

    .venv/bin/python bench/stack_cost.py [--requests 20000] [--rounds 3]

No database is touched while measuring (the no-op view reads nothing; the embedded SQLite only
holds the token's user). Prints per round: µs of CPU per request, the requests/s one core could
serve at that cost (1e6 / µs, the ceiling before the HTTP server's own parsing), and each figure's
share of the pages' stack. The in-process bare app is only the cost of a WSGI call; the floors
under a real server (bare app and no-op view under gunicorn, with wrk) are what the HTTP benches
compare with."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

from common.wsgi import with_body, wsgi_call, wsgi_environ  # noqa: E402


def cost_us(app, path: str, headers: dict[str, str], n: int) -> float:
    template = wsgi_environ(path, headers=headers)
    for _ in range(200):  # warm: caches, imports, the first connection
        status, _ = wsgi_call(app, with_body(template))
    if not status.startswith("200"):
        raise SystemExit(f"{path} answered {status}")
    started = time.process_time()
    for _ in range(n):
        wsgi_call(app, with_body(template))
    return (time.process_time() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="fenxiao-stack-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "floors.noop",
            "FENXIAO_VAR_DIR": var,
            "WECHAT_SANDBOX_ALLOWED": "true",
            "SWEEP_IN_PROCESS": "false",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.core.wsgi import get_wsgi_application

    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue
    from floors.noop import bare_app

    user = User.objects.create(username="stack-bench")
    bearer = {"Authorization": f"Bearer {token_pair_issue(user_id=user.id, scope='user').access}"}
    django_app = get_wsgi_application()
    cases = [
        ("bare WSGI app", bare_app, "/", {}),
        ("no-op view, API lane (bearer)", django_app, "/api/v1/_noop", bearer),
        ("no-op view, pages' stack (no token)", django_app, "/api/v1/_noop", {}),
    ]
    print(f"{args.requests} requests per case and round, CPU µs per request (process_time)")
    for round_no in range(1, args.rounds + 1):
        figures = {name: cost_us(app, path, headers, args.requests) for name, app, path, headers in cases}
        pages = figures["no-op view, pages' stack (no token)"]
        print(f"round {round_no}")
        for name, us in figures.items():
            print(f"  {name:40s} {us:8.1f} µs  {1e6 / us:9.0f}/s per core  {us / pages:6.1%} of the pages' stack")


if __name__ == "__main__":
    main()
