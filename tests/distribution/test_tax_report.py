"""The quarterly tax report (issue 19 §5) against the ledger: orders paid in Q4 2026 and Q1 2027
through B (level 1) and A (level 2), a refund before settlement and one after it (a clawback),
a paid bank withdrawal; each figure lands in the quarter of its posting (Beijing dates), and the
totals reconcile with the ledger and with the commission records.

Chain of the shared fixtures: A (``top``) ← B (``mid``) ← carol (``buyer``); tier 普通 pays 10% and
5%; ``sku`` costs ¥100.00, so one unit earns B 1000 and A 500 fen."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution.identity.services import identity_submit
from fenxiao.distribution.models import CommissionRecord
from fenxiao.distribution.tax.figures import Figures, period_figures
from fenxiao.distribution.tax.platform import tax_platform_update
from fenxiao.distribution.tax.quarters import parse_quarter, year_period
from fenxiao.distribution.tax.report import tax_report_build
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.distribution.withdrawals.review import withdrawal_mark_bank_paid
from fenxiao.risk.models import AuditEntry
from tests.distribution.centre_support import lines_of, refund_line, settle
from tests.distribution.support import paid_order, receive
from tests.factories import StaffUserFactory
from tests.support import Api, assert_error

pytestmark = pytest.mark.django_db
BANK = {"bank_name": "招商银行", "bank_account_name": "王强", "bank_account_no": "6225880212345678"}
Q4 = parse_quarter("2026Q4")
Q1 = parse_quarter("2027Q1")


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


@pytest.fixture
def staff(db):
    return StaffUserFactory()


@pytest.fixture
def history(commit, top, mid, buyer, sku, staff):
    """Q4: two orders of one unit (B +1000 each, A +500 each); the first received and settled in
    Q4, then refunded in full in Q1 (clawback); the second refunded half in Q4 before settlement.
    Q1: an order paid at 00:30 on 1 January Beijing time (16:30 UTC on 31 December), and B's
    bank withdrawal of 500 fen paid in Q1 before the clawback."""
    with at(2026, 11, 2, 2):
        first = paid_order(commit, buyer, (sku.id, 1))
        second = paid_order(commit, buyer, (sku.id, 1))
        receive(commit, first)
    with at(2026, 11, 20, 2):
        settle(first)
        refund_line(lines_of(second)[0], 5_000)  # half: B −500, A −250, before settlement
    with at(2026, 12, 31, 16, 30):
        paid_order(commit, buyer, (sku.id, 1))
    with at(2027, 1, 5, 2):
        withdrawal = withdrawal_request(user_id=mid.user_id, amount_fen=500, method="bank", bank=BANK)
        withdrawal_mark_bank_paid(withdrawal_id=withdrawal.id, actor_id=staff.id, reference="BANK-1")
    with at(2027, 1, 10, 2):
        refund_line(lines_of(first)[0], 10_000)  # whole: clawed back after settlement
    return first, second


def test_each_figure_lands_in_the_quarter_of_its_posting(history, top, mid):
    q4, q1 = period_figures(Q4), period_figures(Q1)

    assert q4[mid.id] == Figures(commission_fen=2000, refunds_fen=500, record_count=2, withdrawals_paid_fen=0)
    assert q4[top.id] == Figures(commission_fen=1000, refunds_fen=250, record_count=2, withdrawals_paid_fen=0)
    assert q1[mid.id] == Figures(commission_fen=1000, refunds_fen=1000, record_count=1, withdrawals_paid_fen=500)
    assert q1[top.id] == Figures(commission_fen=500, refunds_fen=500, record_count=1, withdrawals_paid_fen=0)
    assert q1[mid.id].net_fen == 0 and q4[mid.id].net_fen == 1500


def test_totals_reconcile_with_the_ledger_and_the_commission_records(history):
    for period in (Q4, Q1):
        report = tax_report_build(period)
        # every distributor's net income is what left the platform's commission expense
        assert report.totals.net_fen == report.expense_movement_fen
    year = {d: f for d, f in period_figures(year_period(2026)).items()}
    next_year = period_figures(year_period(2027))
    net_all = sum(f.net_fen for f in [*year.values(), *next_year.values()])
    assert net_all == sum(r.net_fen for r in CommissionRecord.objects.all())
    assert sum(f.record_count for f in [*year.values(), *next_year.values()]) == CommissionRecord.objects.count()


def test_the_report_carries_full_identities_and_the_platform(history, top, mid, staff):
    identity_submit(user_id=mid.user_id, real_name="王强", id_number="11010519491231002X")
    tax_platform_update(
        actor_id=staff.id,
        changes={"domain": "mall.example.cn", "operator_name": "示例科技有限公司", "uscc": "91110000802100433B"},
    )

    report = tax_report_build(Q4)

    rows = {row.distributor_id: row for row in report.rows}
    assert (rows[mid.id].real_name, rows[mid.id].id_type, rows[mid.id].id_number) == (
        "王强",
        "居民身份证",
        "11010519491231002X",
    )
    assert rows[top.id].identity_status == "未实名" and rows[top.id].id_number == ""
    assert report.platform["uscc"] == "91110000802100433B"
    assert AuditEntry.objects.filter(action="distribution.tax_platform_update", actor_id=staff.id).exists()


def test_a_bad_credit_code_is_refused(staff):
    from fenxiao.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        tax_platform_update(actor_id=staff.id, changes={"uscc": "91110000802100433C"})
    assert refused.value.code == "TAX_USCC_INVALID"


# -- the API ------------------------------------------------------------------------------------


def staff_api(user) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="staff").access)


@pytest.fixture
def filer(db):
    user = StaffUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="export_tax_report"))
    return user


def test_the_csv_export_matches_the_report_and_is_audit_logged(history, mid, filer):
    response = staff_api(filer).get("/api/v1/admin/tax-reports", {"quarter": "2026Q4", "format": "csv"})

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    header_at = lines.index(next(line for line in lines if line and line[0] == "分销商ID"))
    table = lines[header_at + 1 :]
    by_id = {line[0]: line for line in table}
    assert by_id[str(mid.id)][6:11] == ["20.00", "5.00", "15.00", "2", "0.00"]
    assert table[-1][0] == "合计" and table[-1][8] == "22.50"
    entry = AuditEntry.objects.get(action="distribution.tax_report_export")
    assert entry.actor_id == filer.id and entry.target_id == "2026Q4" and entry.changes["net_fen"] == 2250


def test_the_xlsx_export_has_the_platform_and_the_table(history, mid, filer):
    response = staff_api(filer).get("/api/v1/admin/tax-reports", {"quarter": "2027Q1", "format": "xlsx"})

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["平台信息", "分销商收入"]
    rows = list(book["分销商收入"].iter_rows(values_only=True))
    mine = next(row for row in rows if row[0] == str(mid.id))
    assert [float(v) for v in (mine[6], mine[7], mine[8], mine[10])] == [10.0, 10.0, 0.0, 5.0]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"quarter": "2026Q5"}, 400, "TAX_QUARTER_INVALID"),
        ({"quarter": "2026-10"}, 400, "TAX_QUARTER_INVALID"),
        ({"quarter": "2026Q4", "format": "pdf"}, 400, "TAX_FORMAT_INVALID"),
        ({}, 422, "VALIDATION_ERROR"),
    ],
)
def test_bad_requests_are_refused_with_a_code(filer, params, status, code):
    assert_error(staff_api(filer).get("/api/v1/admin/tax-reports", params), status, code)
    assert not AuditEntry.objects.filter(action="distribution.tax_report_export").exists()


def test_the_export_needs_its_permission_and_a_staff_token(staff, buyer):
    assert_error(staff_api(staff).get("/api/v1/admin/tax-reports", {"quarter": "2026Q4"}), 403, "TAX_REPORT_FORBIDDEN")
    user_api = Api(token_pair_issue(user_id=buyer.id, scope="user").access)
    assert user_api.get("/api/v1/admin/tax-reports", {"quarter": "2026Q4"}).status_code in (401, 403)


def test_platform_details_through_the_api(staff):
    api = staff_api(staff)
    assert_error(api.put("/api/v1/admin/tax-platform", {"operator_name": "示例"}), 403, "TAX_PLATFORM_FORBIDDEN")
    staff.user_permissions.add(Permission.objects.get(codename="change_taxplatform"))

    assert_error(api.put("/api/v1/admin/tax-platform", {"uscc": "123"}), 400, "TAX_USCC_INVALID")
    changes = {"operator_name": "示例科技有限公司", "uscc": "91440300708461136t"}
    response = api.put("/api/v1/admin/tax-platform", changes)

    assert response.status_code == 200
    assert response.json()["uscc"] == "91440300708461136T"
    assert api.get("/api/v1/admin/tax-platform").json()["operator_name"] == "示例科技有限公司"
