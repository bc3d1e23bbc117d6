"""``fenxiao analytics_rebuild --from 2026-01-01 --to 2026-12-31 [--check]``: rebuild the data
centre's rollups of a range of days from the source rows (after a bulk import, a restore or a
bug), or with ``--check`` only prove them equal. Exits non-zero when ``--check`` finds a day that
differs, so cron or CI notices."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from fenxiao.analytics.periods import today
from fenxiao.analytics.rollups.rebuild import rollups_rebuild


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "按天从订单、退款、佣金等源数据重建数据中心的汇总表；--check 只核对不修改"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="first", required=True, help="第一天（店铺时区的日期）")
        parser.add_argument("--to", dest="last", help="最后一天，默认今天")
        parser.add_argument("--check", action="store_true", help="只核对，发现不一致时以非零状态退出")

    def handle(self, *args, first: str, last: str | None, check: bool, **options) -> None:
        start, end = _day(first), _day(last) if last else today()
        if start > end:
            raise CommandError("开始日期不能晚于结束日期")
        began = time.monotonic()
        checks = rollups_rebuild(first=start, last=end, repair=not check)
        differing = [c for c in checks if not c.equal]
        for c in differing:
            self.stdout.write(f"{c.day}: " + "；".join(c.differences))
        seconds = time.monotonic() - began
        self.stdout.write(f"已核对 {len(checks)} 天，用时 {seconds:.1f} 秒，不一致 {len(differing)} 天")
        if differing and check:
            raise CommandError(f"{len(differing)} 天的汇总与源数据不一致")
        if differing:
            self.stdout.write(self.style.SUCCESS(f"已重建 {len(differing)} 天"))
        else:
            self.stdout.write(self.style.SUCCESS("汇总与源数据一致"))
