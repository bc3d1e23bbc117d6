"""``fenxiao sweep``: run every timed rule once (cancel unpaid orders, confirm receipt, complete
orders, query silent payments, ...). ``--as-of`` lets days pass in sandbox mode only, for a demo
or an acceptance test; a live mall always sweeps at the real time."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fenxiao.core.sweeps import run_sweeps


class Command(BaseCommand):
    help = "运行所有定时规则一次（超时取消、自动收货、订单完成、支付补单等）"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="仅沙箱模式：按此时间运行（ISO 8601，如 2026-12-05T10:00:00+08:00）",
        )

    def handle(self, *args, as_of: str | None = None, **options) -> None:
        now = timezone.now()
        if as_of:
            if settings.WECHAT_MODE != "sandbox":
                raise CommandError("--as-of 仅允许在沙箱模式（WECHAT_MODE=sandbox）下使用")
            parsed = parse_datetime(as_of)
            if parsed is None:
                raise CommandError(f"--as-of 不是合法的 ISO 8601 时间：{as_of}")
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            now = parsed
        counts = run_sweeps(now=now)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {'失败' if count < 0 else count}")
        if any(count < 0 for count in counts.values()):
            raise CommandError("部分定时任务失败，详见日志")
