"""The quarterly filing itself: the platform's details and one row per distributor with income or
paid withdrawals in the quarter (``figures`` says exactly what each figure is), with the identity
in full, since this is what the platform files. Building it is audit-logged by ``tax_report_export``
once per file, with who, which quarter, how many rows and the totals."""

from __future__ import annotations

from dataclasses import dataclass

from fenxiao.accounts.models import User
from fenxiao.core.errors import Forbidden
from fenxiao.distribution.errors import DistributionError
from fenxiao.distribution.identity.services import identities_for_filing
from fenxiao.distribution.models import Distributor, IdType
from fenxiao.distribution.tax.figures import Figures, commission_expense_movement_fen, period_figures
from fenxiao.distribution.tax.platform import tax_platform_values
from fenxiao.distribution.tax.quarters import Period, parse_quarter
from fenxiao.risk.audit import audit_record

EXPORT_PERMISSION = "distribution.export_tax_report"
NO_IDENTITY = "未实名"


@dataclass(frozen=True)
class TaxRow:
    distributor_id: int
    code: str
    real_name: str
    id_type: str
    id_number: str
    identity_status: str
    figures: Figures


@dataclass(frozen=True)
class TaxReport:
    period: Period
    platform: dict[str, str]
    rows: list[TaxRow]
    expense_movement_fen: int

    @property
    def totals(self) -> Figures:
        total = Figures()
        for row in self.rows:
            total.commission_fen += row.figures.commission_fen
            total.refunds_fen += row.figures.refunds_fen
            total.record_count += row.figures.record_count
            total.withdrawals_paid_fen += row.figures.withdrawals_paid_fen
        return total


def quarter_parse(raw: str) -> Period:
    period = parse_quarter(raw)
    if period is None:
        raise DistributionError("TAX_QUARTER_INVALID", "季度格式应为 年份Q季度，如 2026Q4", field="quarter")
    return period


def tax_report_build(period: Period) -> TaxReport:
    figures = period_figures(period)
    ids = sorted(figures)
    distributors = {d.id: d for d in Distributor.objects.filter(id__in=ids).only("id", "code", "real_name")}
    identities = identities_for_filing(ids)
    rows = []
    for distributor_id in ids:
        distributor = distributors[distributor_id]
        identity = identities.get(distributor_id)
        rows.append(
            TaxRow(
                distributor_id=distributor_id,
                code=distributor.code,
                real_name=identity.real_name if identity else distributor.real_name,
                id_type=IdType(identity.id_type).label if identity else "",
                id_number=identity.id_number if identity else "",
                identity_status="已实名" if identity else NO_IDENTITY,
                figures=figures[distributor_id],
            )
        )
    return TaxReport(
        period=period,
        platform=tax_platform_values(),
        rows=rows,
        expense_movement_fen=commission_expense_movement_fen(period),
    )


def tax_report_export(*, actor: User, quarter: str, fmt: str) -> TaxReport:
    """The report for an operator holding ``distribution.export_tax_report``; the export (with
    full identities) is audit-logged."""
    if not (actor.is_active and actor.is_staff and actor.has_perm(EXPORT_PERMISSION)):
        raise Forbidden("TAX_REPORT_FORBIDDEN", "您没有导出涉税报送的权限")
    period = quarter_parse(quarter)
    if fmt not in ("csv", "xlsx"):
        raise DistributionError("TAX_FORMAT_INVALID", "导出格式只能是 csv 或 xlsx", field="format")
    report = tax_report_build(period)
    totals = report.totals
    audit_record(
        actor_id=actor.id,
        action="distribution.tax_report_export",
        target_type="distribution.taxreport",
        target_id=period.label,
        summary=f"导出 {period.label} 季度涉税报送（{fmt}，{len(report.rows)} 名分销商，含身份证号全文）",
        changes={
            "quarter": period.label,
            "format": fmt,
            "rows": len(report.rows),
            "net_fen": totals.net_fen,
            "withdrawals_paid_fen": totals.withdrawals_paid_fen,
        },
    )
    return report
