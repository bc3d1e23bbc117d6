"""The console's export buttons: on each of the six lists (orders carry their lines too), they
export exactly what the list shows with its filters and search; a big one becomes a job on the
export jobs page, downloaded from there."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fenxiao.analytics.exports.models import ExportJob
from fenxiao.risk.models import AuditEntry
from tests.analytics.exports.conftest import as_dicts, read_csv, staff_with

pytestmark = pytest.mark.django_db

LISTS = {
    "orders_order": ["orders", "order_lines"],
    "distribution_commissionrecord": ["commissions"],
    "distribution_withdrawal": ["withdrawals"],
    "ledger_ledgertransaction": ["ledger_transactions"],
    "distribution_distributor": ["distributors"],
}


@pytest.fixture
def console(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def export_url(changelist: str, kind: str, fmt: str, query: str = "") -> str:
    return reverse(f"admin:{changelist}_export", args=[kind, fmt]) + (f"?{query}" if query else "")


@pytest.mark.parametrize(("changelist", "kinds"), LISTS.items())
def test_each_list_shows_its_export_buttons_carrying_the_current_filters(shop, console, changelist, kinds):
    page = console.get(reverse(f"admin:{changelist}_changelist") + "?q=x")
    assert page.status_code == 200
    html = page.content.decode()
    for kind in kinds:
        assert export_url(changelist, kind, "csv", "q=x").replace("&", "&amp;") in html
        assert export_url(changelist, kind, "xlsx", "q=x") in html
    assert "导出" in html and "Excel" in html


def test_the_order_list_exports_what_its_filter_and_search_show(shop, console):
    paid_only = read_csv(console.get(export_url("orders_order", "orders", "csv", "status__exact=paid")))
    assert [r["订单号"] for r in as_dicts(paid_only)] == [shop.paid.order_no]
    searched = read_csv(console.get(export_url("orders_order", "orders", "csv", f"q={shop.unpaid.order_no}")))
    assert [r["订单号"] for r in as_dicts(searched)] == [shop.unpaid.order_no]
    lines = as_dicts(read_csv(console.get(export_url("orders_order", "order_lines", "csv", "status__exact=paid"))))
    assert {r["订单号"] for r in lines} == {shop.paid.order_no}
    entry = AuditEntry.objects.filter(action="export").last()
    assert entry.changes["via"] == "admin" and entry.changes["filters"] == {"admin_list": "status__exact=paid"}


def test_the_withdrawal_list_exports_its_default_queue(shop, console):
    rows = as_dicts(read_csv(console.get(export_url("distribution_withdrawal", "withdrawals", "csv"))))
    assert [r["商户转账单号"] for r in rows] == [shop.withdrawal.out_bill_no]  # 待审核, the list's default
    paid = as_dicts(read_csv(console.get(export_url("distribution_withdrawal", "withdrawals", "csv", "status=paid"))))
    assert paid == []


def test_the_ledger_list_exports_the_legs_of_the_transactions_it_shows(shop, console):
    rows = as_dicts(read_csv(console.get(export_url("ledger_ledgertransaction", "ledger_transactions", "csv"))))
    assert rows and sum(int(r["金额(分)"]) for r in rows) == 0


def test_without_the_view_permission_there_is_no_button_and_no_export(shop):
    clerk = staff_with("orders.view_order", "distribution.view_commissionrecord")
    client = Client()
    client.force_login(clerk)
    assert client.get(export_url("distribution_withdrawal", "withdrawals", "csv")).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_big_export_from_the_list_becomes_a_job_downloaded_from_the_jobs_page(shop, console, settings, commit):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with commit():
        response = console.get(export_url("orders_order", "orders", "xlsx"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportjob_changelist")
    job = ExportJob.objects.get()
    assert (job.status, job.rows_total, job.filters) == ("done", 2, {"admin_list": ""})
    jobs_page = console.get(response["Location"]).content.decode()
    download = reverse("admin:exports_exportjob_download", args=[job.pk])
    assert download in jobs_page and "100%" in jobs_page
    file = console.get(download)
    assert file.status_code == 200
    assert file["Content-Disposition"].startswith("attachment")
