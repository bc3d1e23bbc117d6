"""The operator's risk API: staff only, each action behind its permission, errors with RISK_*
codes, every read of evidence and every change audit-logged."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.risk.cases.services import risk_case_open
from fenxiao.risk.models import AuditEntry, BlacklistEntry, CaseKind, RiskCase
from tests.distribution.support import assert_ledger_clean, balances, paid_order
from tests.risk.support import ring_members
from tests.support import Api, assert_error


def _staff_api(name: str, *permissions: str, superuser: bool = False) -> tuple[User, Api]:
    user = User.objects.create(username=name, is_staff=True, is_superuser=superuser)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user, Api(token_pair_issue(user_id=user.id, scope="staff").access)


@pytest.fixture
def boss(db):
    return _staff_api("boss", superuser=True)


@pytest.fixture
def ring_case(commit, dave, sku) -> RiskCase:
    for member in ring_members(dave, 3):
        paid_order(commit, member, (sku.id, 1))
    return RiskCase.objects.get(kind=CaseKind.ACCOUNT_RING)


def test_the_queue_lists_and_filters_cases(boss, ring_case):
    _user, api = boss
    body = api.get("/api/v1/admin/risk/cases", {"status": "open"}).json()
    assert body["count"] == 1
    assert body["items"][0]["kind"] == "account_ring"
    assert body["items"][0]["held_order_count"] == 3
    assert "evidence" not in body["items"][0]
    assert api.get("/api/v1/admin/risk/cases", {"status": "cleared"}).json()["count"] == 0


def test_the_detail_shows_evidence_and_the_read_is_audited(boss, ring_case):
    user, api = boss
    body = api.get(f"/api/v1/admin/risk/cases/{ring_case.id}").json()
    assert body["evidence"]["signals"][0]["rule"] == "account_ring"
    assert AuditEntry.objects.filter(actor=user, action="risk.case_view", target_id=str(ring_case.id)).exists()


def test_confirm_reverses_and_a_second_verdict_is_refused(boss, ring_case, dave):
    _user, api = boss
    response = api.post(
        f"/api/v1/admin/risk/cases/{ring_case.id}/confirm", {"note": "刷单", "suspend_distributor": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["reversed_fen"] == 3_000
    assert balances(dave).pending == 0
    assert_ledger_clean()
    assert_error(api.post(f"/api/v1/admin/risk/cases/{ring_case.id}/clear", {}), 409, "RISK_CASE_DECIDED")


def test_clear_releases_the_hold(boss, ring_case):
    _user, api = boss
    response = api.post(f"/api/v1/admin/risk/cases/{ring_case.id}/clear", {"note": "一家人"})
    assert response.json()["status"] == "cleared"
    assert response.json()["held_order_count"] == 0


def test_unknown_case_is_404(boss):
    _user, api = boss
    assert_error(api.get("/api/v1/admin/risk/cases/999999"), 404, "RISK_CASE_NOT_FOUND")
    assert_error(api.post("/api/v1/admin/risk/cases/999999/clear", {}), 404, "RISK_CASE_NOT_FOUND")


def test_staff_need_the_permission_and_shoppers_are_refused(db, ring_case):
    _viewer, viewer = _staff_api("viewer", "view_riskcase")
    assert viewer.get("/api/v1/admin/risk/cases").status_code == 200
    assert_error(viewer.post(f"/api/v1/admin/risk/cases/{ring_case.id}/clear", {}), 403, "RISK_PERMISSION_DENIED")
    _nobody, nobody = _staff_api("nobody")
    assert_error(nobody.get("/api/v1/admin/risk/cases"), 403, "RISK_PERMISSION_DENIED")
    shopper = User.objects.create(username="wx_x", openid="x")
    as_shopper = Api(token_pair_issue(user_id=shopper.id, scope="user").access)
    assert_error(as_shopper.get("/api/v1/admin/risk/cases"), 403, "STAFF_ONLY")
    assert Api().get("/api/v1/admin/risk/cases").status_code == 401


def test_blacklist_add_list_remove_audited(boss):
    user, api = boss
    created = api.post(
        "/api/v1/admin/risk/blacklist", {"kind": "phone", "value": "+86 138-0013-8000", "reason": "刷单"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["value"] == "13800138000"
    assert_error(
        api.post("/api/v1/admin/risk/blacklist", {"kind": "phone", "value": "13800138000"}),
        409,
        "RISK_BLACKLIST_EXISTS",
    )
    assert_error(
        api.post("/api/v1/admin/risk/blacklist", {"kind": "email", "value": "a"}), 400, "RISK_BLACKLIST_KIND_INVALID"
    )
    assert api.get("/api/v1/admin/risk/blacklist").json()["count"] == 1
    entry_id = created.json()["id"]
    assert api.delete(f"/api/v1/admin/risk/blacklist/{entry_id}").status_code == 204
    assert not BlacklistEntry.objects.exists()
    actions = set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert {"risk.blacklist_add", "risk.blacklist_remove", "risk.blacklist_view"} <= actions
    assert_error(api.delete(f"/api/v1/admin/risk/blacklist/{entry_id}"), 404, "RISK_BLACKLIST_NOT_FOUND")


def test_thresholds_change_within_limits_and_are_audited(boss):
    user, api = boss
    assert api.get("/api/v1/admin/risk/settings").json()["ring_min_accounts"] == 3
    changed = api.put("/api/v1/admin/risk/settings", {"ring_min_accounts": 5})
    assert changed.json()["ring_min_accounts"] == 5
    entry = AuditEntry.objects.get(actor=user, action="risk.settings_update")
    assert entry.changes == {"ring_min_accounts": {"from": 3, "to": 5}}
    assert_error(api.put("/api/v1/admin/risk/settings", {"refund_max_bps": 20_000}), 400, "RISK_SETTINGS_OUT_OF_RANGE")


def test_a_case_can_be_opened_by_hand_and_adds_to_the_open_one(db, dave):
    operator = User.objects.create(username="op", is_staff=True)
    first = risk_case_open(
        kind="manual", subject_user_id=dave.user_id, evidence={"complaint": 1}, opened_by_id=operator.id
    )
    again = risk_case_open(kind="manual", subject_user_id=dave.user_id, evidence={"complaint": 2})
    assert first.pk == again.pk
    assert [s["complaint"] for s in RiskCase.objects.get(pk=first.pk).evidence["signals"]] == [1, 2]
