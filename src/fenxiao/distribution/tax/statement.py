"""A distributor's own yearly income statement (issue 19 §5): the same figures as the tax report
(``figures`` has the definitions), per quarter and for the year, for the distributor alone."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from fenxiao.distribution.errors import DistributionError
from fenxiao.distribution.tax.figures import Figures, period_figures
from fenxiao.distribution.tax.quarters import Period, parse_year, quarter_period


@dataclass(frozen=True)
class StatementLine:
    period: Period
    figures: Figures


@dataclass(frozen=True)
class IncomeStatement:
    year: int
    quarters: list[StatementLine]
    total: Figures


def statement_year(raw: str | None) -> int:
    if not raw:
        return timezone.localdate().year
    period = parse_year(raw)
    if period is None:
        raise DistributionError("STATEMENT_YEAR_INVALID", "年份格式应为四位数字，如 2026", field="year")
    return period.first.year


def income_statement(*, distributor_id: int, year: int) -> IncomeStatement:
    quarters = []
    total = Figures()
    for q in range(1, 5):
        period = quarter_period(year, q)
        figures = period_figures(period, distributor_ids=[distributor_id]).get(distributor_id, Figures())
        quarters.append(StatementLine(period=period, figures=figures))
        total.commission_fen += figures.commission_fen
        total.refunds_fen += figures.refunds_fen
        total.record_count += figures.record_count
        total.withdrawals_paid_fen += figures.withdrawals_paid_fen
    return IncomeStatement(year=year, quarters=quarters, total=total)
