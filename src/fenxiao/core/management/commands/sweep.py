"""``fenxiao sweep``: run every timed rule once (cancel unpaid orders, confirm receipt, complete
orders, query silent payments, ...). ``--as-of`` lets days pass in sandbox mode only, for a demo
or an acceptance test; a live mall always sweeps at the real time. ``--only`` runs the named rules
alone, so a walkthrough can let the after-sales window pass without also cancelling every unpaid
demo order, failing open groups and expiring coupons."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fenxiao.core.extensions import registered_sweeps, run_sweeps

RELATIVE = re.compile(r"^\+(\d{1,4})([dhm])$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
AS_OF_FORMS = "ISO 8601，如 2026-12-05T10:00:00+08:00；或相对现在，如 +8d、+12h、+45m"


def parse_as_of(text: str, *, now: datetime) -> datetime:
    """An ISO 8601 time, or a time relative to now: ``+8d``, ``+12h``, ``+45m``."""
    if match := RELATIVE.fullmatch(text.strip()):
        return now + timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    parsed = parse_datetime(text)
    if parsed is None:
        raise CommandError(
            f"--as-of 不是合法的时间：{text}（ISO 8601，如 2026-12-05T10:00:00+08:00，或 +8d / +12h / +45m）"
        )
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = "运行所有定时规则一次（超时取消、自动收货、订单完成、支付补单等）"
    # The timed rules are what the running mall does anyway; the start-up checks guard serving
    # (the sandbox refusal), so a walkthrough or cron need not announce a demo to run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help=f"仅沙箱模式：按此时间运行（{AS_OF_FORMS}）",
        )
        parser.add_argument(
            "--only",
            action="append",
            metavar="NAME",
            help="只运行指定的规则（可重复），如 --only orders.complete；--list 列出全部规则",
        )
        parser.add_argument("--list", action="store_true", help="列出全部规则的名字后退出")

    def handle(self, *args, as_of: str | None = None, only: list[str] | None = None, **options) -> None:
        names = list(registered_sweeps())
        if options.get("list"):
            self.stdout.write("\n".join(names))
            return
        unknown = sorted(set(only or ()) - set(names))
        if unknown:
            raise CommandError(f"没有这些规则：{'、'.join(unknown)}（--list 列出全部规则）")
        now = timezone.now()
        if as_of:
            if settings.WECHAT_MODE != "sandbox":
                raise CommandError("--as-of 仅允许在沙箱模式（WECHAT_MODE=sandbox）下使用")
            now = parse_as_of(as_of, now=now)
        counts = run_sweeps(now=now, only=set(only) if only else None)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {'失败' if count < 0 else count}")
        if any(count < 0 for count in counts.values()):
            raise CommandError("部分定时任务失败，详见日志")
