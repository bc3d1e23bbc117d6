"""The console: the case queue opens on open cases, the detail shows the evidence (and the view is
audit-logged), 排除 and 确认 run the services; the blacklist and thresholds save through theirs."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.risk.models import AuditEntry, BlacklistEntry, CaseKind, CaseStatus, RiskCase, RiskSettings
from tests.distribution.support import assert_ledger_clean, balances, paid_order
from tests.risk.support import ring_members


@pytest.fixture
def console(db) -> tuple[User, Client]:
    staff = User.objects.create(username="operator", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    return staff, client


@pytest.fixture
def ring_case(commit, dave, sku) -> RiskCase:
    for member in ring_members(dave, 3):
        paid_order(commit, member, (sku.id, 1))
    return RiskCase.objects.get(kind=CaseKind.ACCOUNT_RING)


def test_queue_detail_and_confirm(console, ring_case, dave):
    staff, client = console
    page = client.get("/admin/risk/riskcase/")
    assert page.status_code == 200
    assert "账号团伙" in page.content.decode()
    detail = client.get(f"/admin/risk/riskcase/{ring_case.pk}/change/")
    assert detail.status_code == 200
    assert "幸福小区" in detail.content.decode()
    assert AuditEntry.objects.filter(actor=staff, action="risk.case_view").exists()
    assert client.get(f"/admin/risk/riskcase/{ring_case.pk}/step/confirm/").status_code == 200
    done = client.post(f"/admin/risk/riskcase/{ring_case.pk}/step/confirm/", {"note": "刷单", "suspend": "on"})
    assert done.status_code == 302
    ring_case.refresh_from_db()
    assert ring_case.status == CaseStatus.CONFIRMED
    assert balances(dave).pending == 0
    assert_ledger_clean()


def test_clear_from_the_console(console, ring_case):
    _staff, client = console
    assert client.post(f"/admin/risk/riskcase/{ring_case.pk}/step/clear/", {"note": "误报"}).status_code == 302
    ring_case.refresh_from_db()
    assert ring_case.status == CaseStatus.CLEARED


def test_blacklist_add_and_remove_in_the_console(console):
    staff, client = console
    response = client.post(
        "/admin/risk/blacklistentry/add/", {"kind": "phone", "value": "+86 13800001234", "reason": "x"}
    )
    assert response.status_code == 302
    entry = BlacklistEntry.objects.get()
    assert entry.value == "13800001234"
    assert client.get("/admin/risk/blacklistentry/").status_code == 200
    client.post("/admin/risk/blacklistentry/", {"action": "remove_selected", "_selected_action": [entry.pk]})
    assert not BlacklistEntry.objects.exists()
    assert {"risk.blacklist_add", "risk.blacklist_remove"} <= set(
        AuditEntry.objects.filter(actor=staff).values_list("action", flat=True)
    )


def test_thresholds_in_the_console(console):
    staff, client = console
    assert client.get("/admin/risk/risksettings/").status_code == 302
    url = "/admin/risk/risksettings/1/change/"
    values = {
        "ring_min_accounts": 4,
        "ring_window_days": 7,
        "refund_min_orders": 10,
        "refund_max_bps": 5000,
        "refund_window_days": 30,
        "burst_max_first_orders": 30,
        "invite_max_per_cluster": 3,
    }
    assert client.post(url, values).status_code == 302
    assert RiskSettings.objects.get().ring_min_accounts == 4
    assert AuditEntry.objects.filter(actor=staff, action="risk.settings_update").exists()
    refused = client.post(url, {**values, "refund_max_bps": 20_000})
    assert refused.status_code == 200
    assert RiskSettings.objects.get().refund_max_bps == 5000
