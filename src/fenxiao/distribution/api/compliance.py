"""``GET /api/v1/admin/compliance/report``: the compliance report for staff holding the 查看合规报告
permission; the same service as the admin page, and every reading audit-logged."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import Forbidden
from fenxiao.distribution.compliance.period import report_period
from fenxiao.distribution.compliance.report import ComplianceReport, compliance_report_view
from fenxiao.distribution.models import COMPLIANCE_PERMISSION

router = Router(tags=["合规"], auth=staff_auth)


class ComplianceQuery(Schema):
    from_: date | None = Field(None, alias="from", ge=date(2000, 1, 1), le=date(9998, 12, 31))
    to: date | None = Field(None, ge=date(2000, 1, 1), le=date(9998, 12, 31))


class ComplianceCheckOut(Schema):
    key: str
    title: str
    basis: str = Field(..., description="依据的法规或规则")
    passed: bool
    evidence: list[str]


class ComplianceLevelOut(Schema):
    level: int
    records: int
    commission_fen: int = Field(..., description="该层级佣金净额（扣除退款冲减与追回），分")


class ComplianceTeamOut(Schema):
    distributor_id: int
    code: str
    name: str
    level1: int
    level2: int
    level3: int
    total: int


class ComplianceNetworkOut(Schema):
    deepest_paid_level: int = Field(..., description="统计期内已付款订单实际计佣的最深层级，0 表示无佣金")
    levels: list[ComplianceLevelOut]
    total_commission_fen: int
    own_commission_fen: int = Field(..., description="一级佣金：分销商自己客户的购买")
    downline_commission_fen: int = Field(..., description="二、三级佣金：来自下线的销售")
    downline_share_bps: int | None = Field(..., description="下线佣金占比，基点（四舍五入）；无佣金时为 null")
    team_threshold: int = Field(..., description="刑法第二百二十四条之一的人数指标：三级以内30人")
    large_teams: list[ComplianceTeamOut]


class ComplianceReportOut(Schema):
    generated_at: datetime
    from_: date = Field(..., alias="from")
    to: date
    passed: bool = Field(..., description="全部规则均通过")
    checks: list[ComplianceCheckOut]
    network: ComplianceNetworkOut


def report_dict(report: ComplianceReport) -> dict:
    c = report.commission
    return {
        "generated_at": report.generated_at,
        "from": report.period.first,
        "to": report.period.last,
        "passed": report.passed,
        "checks": [
            {"key": k.key, "title": k.title, "basis": k.basis, "passed": k.passed, "evidence": list(k.evidence)}
            for k in report.checks
        ],
        "network": {
            "deepest_paid_level": c.deepest_paid_level,
            "levels": [
                {"level": row.level, "records": row.records, "commission_fen": row.commission_fen} for row in c.levels
            ],
            "total_commission_fen": c.total_fen,
            "own_commission_fen": c.own_fen,
            "downline_commission_fen": c.downline_fen,
            "downline_share_bps": c.downline_share_bps,
            "team_threshold": report.team_threshold,
            "large_teams": [
                {
                    "distributor_id": t.distributor_id,
                    "code": t.code,
                    "name": t.name,
                    "level1": t.level1,
                    "level2": t.level2,
                    "level3": t.level3,
                    "total": t.total,
                }
                for t in report.large_teams
            ],
        },
    }


@router.get("/compliance/report", response=ComplianceReportOut, by_alias=True, summary="合规报告")
def compliance_report(request: HttpRequest, q: Query[ComplianceQuery]):
    if not request.auth.has_perm(COMPLIANCE_PERMISSION):
        raise Forbidden("COMPLIANCE_FORBIDDEN", "没有查看合规报告的权限")
    period = report_period(first=q.from_, last=q.to)
    return report_dict(compliance_report_view(actor_id=request.auth.id, period=period, channel="api"))
