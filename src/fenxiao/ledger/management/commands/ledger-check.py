"""``fenxiao ledger-check``: verify the ledger's invariants (DESIGN §6) and exit non-zero when any
is broken, so cron, CI or an operator notices."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from fenxiao.ledger.checks import ledger_check_report

SHOWN = 100


class Command(BaseCommand):
    help = "检查账本：每笔记账借贷平衡、全部分录合计为 0、账户缓存余额等于分录合计"
    # It only reads the book: the start-up checks (such as the sandbox refusal, which is about
    # serving shoppers) have nothing to say about that, and cron must get the ledger's answer.
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        report = ledger_check_report()
        self.stdout.write(f"已检查：账户 {report.accounts} 个，记账 {report.transactions} 笔，分录 {report.legs} 条")
        for problem in report.problems[:SHOWN]:
            self.stdout.write(f"[{problem.kind}] {problem.description}")
        if len(report.problems) > SHOWN:
            self.stdout.write(f"……另有 {len(report.problems) - SHOWN} 个问题未列出")
        if report.problems:
            counts = Counter(problem.kind for problem in report.problems)
            self.stdout.write("问题分类：" + "，".join(f"{kind} {n} 个" for kind, n in sorted(counts.items())))
            raise CommandError(f"账本检查发现 {len(report.problems)} 个问题")
        self.stdout.write(self.style.SUCCESS("账本检查通过"))
