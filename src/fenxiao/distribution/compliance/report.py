"""The compliance report: every rule with ✓/✗ and its evidence, and the network as it really is.
``compliance_report_get`` computes it; ``compliance_report_view`` is what a person opening it
calls (the API and the admin page): the report names distributors and their networks, so every
reading is audit-logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from fenxiao.distribution.compliance import rules
from fenxiao.distribution.compliance.facts import commission_facts, settings_facts
from fenxiao.distribution.compliance.hooks import invite_facts
from fenxiao.distribution.compliance.network import (
    TEAM_THRESHOLD,
    CommissionByLevel,
    TeamSize,
    commission_by_level,
    large_teams,
)
from fenxiao.distribution.compliance.period import ReportPeriod
from fenxiao.risk.audit import audit_record


@dataclass(frozen=True)
class ComplianceReport:
    generated_at: datetime
    period: ReportPeriod
    checks: tuple[rules.CheckResult, ...]
    commission: CommissionByLevel
    team_threshold: int
    large_teams: tuple[TeamSize, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def compliance_checks() -> tuple[rules.CheckResult, ...]:
    s = settings_facts()
    return (
        rules.check_levels(levels=s.levels, level3_enabled=s.level3_enabled),
        rules.check_indirect_rates(levels=s.levels, tables=s.tables),
        rules.check_total_cap(levels=s.levels, cap_bps=s.cap_bps, tables=s.tables),
        rules.check_no_entry_fee(become_policy=s.become_policy, spend_threshold_fen=s.spend_threshold_fen),
        rules.check_tiers_not_recruiting(tiers=s.tier_criteria),
        rules.check_invite_rewards(invite_facts()),
        rules.check_commission_on_paid_sales(commission_facts()),
    )


def compliance_report_get(*, period: ReportPeriod) -> ComplianceReport:
    return ComplianceReport(
        generated_at=timezone.now(),
        period=period,
        checks=compliance_checks(),
        commission=commission_by_level(period),
        team_threshold=TEAM_THRESHOLD,
        large_teams=tuple(large_teams(threshold=TEAM_THRESHOLD)),
    )


def compliance_report_view(*, actor_id: int, period: ReportPeriod, channel: str) -> ComplianceReport:
    """The report for a person, logged with who read it, which period and where (api/admin)."""
    report = compliance_report_get(period=period)
    audit_record(
        actor_id=actor_id,
        action="compliance_report.view",
        target_type="compliance_report",
        summary=f"查看合规报告（{period.first}至{period.last}，{channel}）",
        changes={
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "channel": channel,
            "passed": report.passed,
        },
    )
    return report
