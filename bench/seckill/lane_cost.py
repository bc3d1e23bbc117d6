"""CPU per seckill refusal, in-process: Django's path (the buy view behind the API's lane) against the
seckill lane in front of Django (``promotions/api/seckill_lane.py``), with the sold-out memo off and
on. Each refusal is a WSGI call in this process timed with ``time.process_time``; the cases take
turns, round by round, so a load from another process touches them alike.

    .venv/bin/python bench/seckill/lane_cost.py [--requests 3000] [--rounds 3] [--redis-url redis://127.0.0.1:6379/14]

Needs Redis (the gate); the database is an embedded SQLite in a temporary folder holding one user.
The activity is a sold-out gate seeded straight into Redis (id 999999), so every request is the
crowd after the sell-out: ``409 SECKILL_SOLD_OUT``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

ACTIVITY = 999_999
BODY = b'{"address_id": 5}'


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = p.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fenxiao.settings",
        REDIS_URL=args.redis_url,
        WECHAT_SANDBOX_ALLOWED="true",
        SWEEP_IN_PROCESS="false",
        FENXIAO_VAR_DIR=tempfile.mkdtemp(prefix="fenxiao-lane-"),
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.test import RequestFactory
    from django.utils import timezone

    from fenxiao.accounts.models import User
    from fenxiao.accounts.tokens import token_pair_issue
    from fenxiao.promotions.api.seckill_lane import SeckillLane, SoldOutMemo
    from fenxiao.promotions.seckill import gate
    from fenxiao.promotions.seckill.activities import epoch_ms

    call_command("migrate", verbosity=0)
    user = User.objects.create(username="lane-cost")
    now = epoch_ms(timezone.now())
    gate.redis_client().delete(*gate.keys(ACTIVITY))
    rules = gate.Rules(starts_ms=now - 60_000, ends_ms=now + 3_600_000, limit=1, paused=False)
    gate.gate_seed(activity_id=ACTIVITY, remaining=0, held={}, rules=rules)
    token = token_pair_issue(user_id=user.pk, scope="user").access
    template = (
        RequestFactory()
        .generic(
            "POST",
            f"/api/v1/seckill/{ACTIVITY}/orders",
            BODY,
            "application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            SERVER_NAME="127.0.0.1",
        )
        .environ
    )

    class NeverRemembers(SoldOutMemo):
        def holds(self, activity_id: int) -> bool:
            return False

    django_app = get_wsgi_application()
    cases = {
        "Django's path (API lane, buy view)": django_app,
        "seckill lane, memo off": SeckillLane(django_app, NeverRemembers()),
        "seckill lane, memo on (default)": SeckillLane(django_app),
    }

    def refuse(app) -> None:
        statuses: list[str] = []
        body = app(dict(template, **{"wsgi.input": BytesIO(BODY)}), lambda s, h, e=None: statuses.append(s))
        if hasattr(body, "close"):
            body.close()
        if not statuses[0].startswith("409"):
            raise SystemExit(f"expected 409, got {statuses[0]}")

    figures: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, app in cases.items():
            for _ in range(200):  # warm: caches, the first connection
                refuse(app)
            started = time.process_time()
            for _ in range(args.requests):
                refuse(app)
            figures[name].append((time.process_time() - started) / args.requests * 1e6)
    base = min(figures["Django's path (API lane, buy view)"])
    print(f"{args.requests} refusals per case and round, CPU µs per refusal (process_time); rounds, then the best")
    for name, values in figures.items():
        rounds = "  ".join(f"{v:7.1f}" for v in values)
        print(f"  {name:38s} {rounds}   best {min(values):7.1f} µs  ({min(values) / base:5.1%} of Django's path)")
    gate.redis_client().delete(*gate.keys(ACTIVITY))


if __name__ == "__main__":
    main()
