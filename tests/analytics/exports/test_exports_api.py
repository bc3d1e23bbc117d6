"""Who may export, what bad requests answer, the audit trail, and a background export from
queued to downloaded (and swept after a week)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.analytics.exports.models import ExportJob, ExportStatus
from fenxiao.core.extensions import run_sweeps
from fenxiao.risk.models import AuditEntry
from tests.analytics.exports.conftest import as_dicts, staff_with
from tests.support import Api, assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/exports/{}"


def test_anonymous_and_shopper_tokens_are_refused(shop):
    assert_error(Api().get(URL.format("orders")), 401, "UNAUTHORIZED")
    shopper = Api(token_pair_issue(user_id=shop.buyer.id, scope="user").access)
    assert_error(shopper.get(URL.format("orders")), 403, "STAFF_ONLY")


def test_staff_without_the_view_permission_of_the_kind_is_refused(shop):
    clerk = staff_with("orders.view_order")
    api = Api(token_pair_issue(user_id=clerk.id, scope="staff").access)
    assert api.get(URL.format("orders")).status_code == 200
    assert_error(api.get(URL.format("withdrawals")), 403, "EXPORT_FORBIDDEN")
    assert_error(api.get(URL.format("distributors"), {"status": "nonsense"}), 403, "EXPORT_FORBIDDEN")
    assert not AuditEntry.objects.filter(action="export", target_type="export.withdrawals").exists()


@pytest.mark.parametrize(
    ("kind", "params", "code"),
    [
        ("payments", {}, "EXPORT_KIND_UNKNOWN"),
        ("orders", {"format": "pdf"}, "EXPORT_FORMAT_UNKNOWN"),
        ("orders", {"from": "2026-11-02", "to": "2026-11-01"}, "EXPORT_RANGE_INVALID"),
        ("orders", {"status": "lost"}, "EXPORT_FILTER_INVALID"),
        ("orders", {"method": "bank"}, "EXPORT_FILTER_INVALID"),  # a withdrawal filter
        ("commissions", {"level": "4"}, "EXPORT_FILTER_INVALID"),
        ("withdrawals", {"distributor_id": "abc"}, "EXPORT_FILTER_INVALID"),
        ("orders", {"from": "yesterday"}, "VALIDATION_ERROR"),
    ],
)
def test_bad_requests_answer_422_with_a_stable_code(operator_api, kind, params, code):
    body = assert_error(operator_api.get(URL.format(kind), params), 422, code)
    assert not AuditEntry.objects.filter(action="export").exists()
    assert body["message"]


def test_every_export_is_audited_with_its_filters_and_row_count(shop, operator, operator_api):
    response = operator_api.get(URL.format("orders"), {"format": "xlsx", "status": "paid", "from": "2026-11-01"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor_id, entry.target_type) == (operator.id, "export.orders")
    assert entry.changes == {
        "kind": "orders",
        "format": "xlsx",
        "filters": {"from": "2026-11-01", "status": "paid"},
        "rows": 1,
        "via": "api",
        "job_id": None,
    }
    assert "导出订单" in entry.summary


def test_a_big_export_runs_in_the_background_with_progress_and_a_download(
    shop, operator, operator_api, settings, commit
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with commit():  # the job runs after the commit, eagerly without a broker
        response = operator_api.get(URL.format("orders"), {"format": "csv"})
    assert response.status_code == 202
    started = response.json()
    assert started["status"] == "queued" and started["rows_total"] == 2 and started["download_url"] is None

    progress = operator_api.get(f"/api/v1/admin/exports/jobs/{started['id']}").json()
    assert (progress["status"], progress["rows_done"], progress["progress_percent"]) == ("done", 2, 100)
    assert progress["download_url"] == f"/api/v1/admin/exports/jobs/{started['id']}/download"

    download = operator_api.get(progress["download_url"])
    assert download.status_code == 200
    import csv
    import io

    rows = as_dicts(list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))))
    assert {r["订单号"] for r in rows} == {shop.paid.order_no, shop.unpaid.order_no}
    audit = AuditEntry.objects.filter(target_type="export.orders").order_by("id")
    assert [(a.action, a.target_id) for a in audit] == [
        ("export", str(started["id"])),
        ("export_download", str(started["id"])),
    ]
    assert audit[0].changes["rows"] == 2


def test_a_colleague_with_the_permission_may_download_others_may_not_see_the_job(shop, operator_api, settings, commit):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    with commit():
        job_id = operator_api.get(URL.format("withdrawals")).json()["id"]
    colleague = Api(token_pair_issue(user_id=staff_with("distribution.view_withdrawal").id, scope="staff").access)
    assert colleague.get(f"/api/v1/admin/exports/jobs/{job_id}/download").status_code == 200
    outsider = Api(token_pair_issue(user_id=staff_with("orders.view_order").id, scope="staff").access)
    assert_error(outsider.get(f"/api/v1/admin/exports/jobs/{job_id}"), 404, "EXPORT_JOB_NOT_FOUND")
    assert_error(outsider.get(f"/api/v1/admin/exports/jobs/{job_id}/download"), 404, "EXPORT_JOB_NOT_FOUND")


def test_a_redelivered_message_takes_over_the_job_its_dead_worker_left_running(shop, operator_api, settings):
    from fenxiao.analytics.exports.tasks import export_job_run_task

    settings.EXPORT_SYNC_MAX_ROWS = 0
    job_id = operator_api.get(URL.format("orders")).json()["id"]  # no commit: still queued
    ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.RUNNING, rows_done=1)  # its worker was killed

    def deliver(**delivery_info) -> None:
        export_job_run_task.push_request(delivery_info=delivery_info)
        try:
            export_job_run_task.run(job_id)
        finally:
            export_job_run_task.pop_request()

    deliver(redelivered=False)  # a second copy of a message whose job runs elsewhere: left alone
    assert ExportJob.objects.get(pk=job_id).status == ExportStatus.RUNNING
    deliver(redelivered=True)
    job = ExportJob.objects.get(pk=job_id)
    assert (job.status, job.rows_done) == (ExportStatus.DONE, 2)
    assert (settings.EXPORT_DIR / job.file_name).is_file()
    deliver(redelivered=True)  # once done, a further copy writes nothing
    assert ExportJob.objects.get(pk=job_id).file_name == job.file_name


def test_a_queued_job_cannot_be_downloaded_yet(shop, operator_api, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    job_id = operator_api.get(URL.format("orders")).json()["id"]  # no commit: still queued
    assert_error(operator_api.get(f"/api/v1/admin/exports/jobs/{job_id}/download"), 409, "EXPORT_JOB_NOT_READY")


def test_files_are_swept_after_seven_days_and_the_job_says_so(shop, operator_api, settings, commit):
    settings.EXPORT_SYNC_MAX_ROWS = 0
    with commit():
        job_id = operator_api.get(URL.format("orders"), {"format": "xlsx"}).json()["id"]
    job = ExportJob.objects.get(pk=job_id)
    path = settings.EXPORT_DIR / job.file_name
    assert path.is_file()
    assert run_sweeps(now=timezone.now() + timedelta(days=6), only={"exports.expired_files"}) == {
        "exports.expired_files": 0
    }
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert run_sweeps(now=timezone.now(), only={"exports.expired_files"}) == {"exports.expired_files": 1}
    assert not path.exists()
    assert ExportJob.objects.get(pk=job_id).status == ExportStatus.EXPIRED
    assert_error(operator_api.get(f"/api/v1/admin/exports/jobs/{job_id}/download"), 409, "EXPORT_FILE_EXPIRED")


def test_the_openapi_document_lists_the_export_endpoints_with_their_errors(client):
    spec = client.get("/api/openapi.json").json()
    export = spec["paths"]["/api/v1/admin/exports/{kind}"]["get"]
    assert {"200", "202", "401", "403", "404", "422", "503"} <= set(export["responses"])
    assert "text/csv; charset=utf-8" in export["responses"]["200"]["content"]
    names = {p["name"] for p in export["parameters"]}
    assert {"format", "from", "to", "status", "distributor_id"} <= names
    download = spec["paths"]["/api/v1/admin/exports/jobs/{job_id}/download"]["get"]
    assert {"200", "401", "403", "404", "409"} <= set(download["responses"])
    assert {"200", "404"} <= set(spec["paths"]["/api/v1/admin/exports/jobs/{job_id}"]["get"]["responses"])
