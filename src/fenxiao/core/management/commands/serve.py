"""``fenxiao serve``: this web node under granian instead of gunicorn (``core/serving.py`` says
when and why, and which settings it reads)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fenxiao.core.serving import ServeConfigError, serve


class Command(BaseCommand):
    help = "用 granian 启动本节点的 Web 服务（WEB_BIND、WEB_CONCURRENCY、WEB_THREADS）"
    # The WSGI module runs the start-up checks in every worker (the sandbox refusal among them).
    requires_system_checks: list[str] = []

    def handle(self, *args: object, **options: object) -> None:
        try:
            serve()
        except ServeConfigError as exc:
            raise CommandError(str(exc)) from exc
