"""The tax report as a file: CSV (UTF-8 with BOM, for Excel) or XLSX (openpyxl, two sheets). The
CSV puts the platform's details first, a blank line, then the table; XLSX has a 平台信息 sheet and
a 分销商收入 sheet. People's text is guarded against formula injection (``core.spreadsheets``);
amounts are yuan with two decimals, converted exactly from fen."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fenxiao.core.money import FEN_PER_YUAN, fen_to_yuan
from fenxiao.core.spreadsheets import BOM, guard_text
from fenxiao.distribution.tax.report import TaxReport

PLATFORM_LABELS = (
    ("domain", "平台域名或小程序名称"),
    ("business_type", "业务类型"),
    ("operator_name", "经营者名称"),
    ("uscc", "统一社会信用代码"),
)
HEADERS = (
    "分销商ID", "推广码", "姓名", "证件类型", "证件号码", "实名状态",
    "佣金收入(元)", "退款冲减及追回(元)", "净收入(元)", "佣金笔数", "已提现金额(元)",
)  # fmt: skip
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_name(report: TaxReport, fmt: str) -> str:
    return f"涉税报送-{report.period.label}.{fmt}"


def _people(row) -> list[str]:
    return [str(row.distributor_id), guard_text(row.code), guard_text(row.real_name), row.id_type,
            guard_text(row.id_number), row.identity_status]  # fmt: skip


def _amounts(figures) -> list[int]:
    return [figures.commission_fen, figures.refunds_fen, figures.net_fen, figures.record_count,
            figures.withdrawals_paid_fen]  # fmt: skip


def _header_lines(report: TaxReport) -> list[list[str]]:
    first, last = report.period.first, report.period.after
    lines = [["报送期间", f"{report.period.label}（{first:%Y-%m-%d} 至 {last:%Y-%m-%d} 前，本地时间）"]]
    lines += [[label, guard_text(report.platform.get(name, ""))] for name, label in PLATFORM_LABELS]
    return lines


def report_csv(report: TaxReport) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerows(_header_lines(report))
    writer.writerow([])
    writer.writerow(HEADERS)
    for row in report.rows:
        c, r, n, count, w = _amounts(row.figures)
        writer.writerow([*_people(row), fen_to_yuan(c), fen_to_yuan(r), fen_to_yuan(n), count, fen_to_yuan(w)])
    t = report.totals
    writer.writerow(["合计", "", "", "", "", "", fen_to_yuan(t.commission_fen), fen_to_yuan(t.refunds_fen),
                     fen_to_yuan(t.net_fen), t.record_count, fen_to_yuan(t.withdrawals_paid_fen)])  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_YUAN


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def report_xlsx(report: TaxReport) -> bytes:
    book = Workbook()
    platform = book.active
    platform.title = "平台信息"
    for line in _header_lines(report):
        platform.append([_text(cell) for cell in line])
    sheet = book.create_sheet("分销商收入")
    sheet.append(list(HEADERS))
    for row in report.rows:
        c, r, n, count, w = _amounts(row.figures)
        sheet.append([*(_text(cell) for cell in _people(row)), _yuan(c), _yuan(r), _yuan(n), count, _yuan(w)])
    t = report.totals
    sheet.append(["合计", "", "", "", "", "", _yuan(t.commission_fen), _yuan(t.refunds_fen), _yuan(t.net_fen),
                  t.record_count, _yuan(t.withdrawals_paid_fen)])  # fmt: skip
    for column in ("G", "H", "I", "K"):
        for cell in sheet[column][1:]:
            cell.number_format = "0.00"
    sheet.column_dimensions["E"].width = 22  # an 18-digit ID number, kept as text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_bytes(report: TaxReport, fmt: str) -> bytes:
    return report_csv(report) if fmt == "csv" else report_xlsx(report)
