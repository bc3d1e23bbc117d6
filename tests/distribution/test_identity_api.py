"""The distributor's real name and income statement through the API (issue 19 §3, §5): masked
answers only, owner only, errors with codes; and the operator's audited reveal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution.identity.services import identity_submit
from fenxiao.risk.models import AuditEntry
from tests.distribution.centre_support import BASE, api_for, body
from tests.distribution.support import make_user, paid_order
from tests.factories import StaffUserFactory
from tests.support import Api, assert_error

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


def test_a_distributor_gives_real_name_and_sees_it_masked(mid):
    api = api_for(mid.user)
    before = body(api.get(f"{BASE}/identity"))
    assert before["verified"] is False and before["required_over_fen"] == 500_000 and before["withdrawn_fen"] == 0

    after = body(api.put(f"{BASE}/identity", {"real_name": "王强", "id_number": "11010519491231002x"}))

    assert after["verified"] is True and after["id_type_label"] == "居民身份证"
    assert (after["name_masked"], after["number_masked"]) == ("王*", "1101**********002X")
    assert ID_NUMBER not in str(after) and "王强" not in str(after)
    assert body(api.get(f"{BASE}/identity"))["number_masked"] == "1101**********002X"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"real_name": "王强", "id_number": "110105194912310021"}, 400, "IDENTITY_NUMBER_CHECKSUM"),
        ({"real_name": "王强", "id_number": "000105194912310021"}, 400, "IDENTITY_NUMBER_REGION"),
        ({"real_name": "1", "id_number": ID_NUMBER}, 400, "IDENTITY_NAME_INVALID"),
        ({"real_name": "王强"}, 422, "VALIDATION_ERROR"),
    ],
)
def test_bad_identities_are_refused(mid, payload, status, code):
    assert_error(api_for(mid.user).put(f"{BASE}/identity", payload), status, code)


def test_a_number_already_used_is_a_conflict(mid, top):
    identity_submit(user_id=top.user_id, real_name="李娜", id_number=ID_NUMBER)
    assert_error(
        api_for(mid.user).put(f"{BASE}/identity", {"real_name": "王强", "id_number": ID_NUMBER}),
        409,
        "IDENTITY_NUMBER_TAKEN",
    )


def test_only_distributors_have_an_identity_or_a_statement(db):
    shopper = make_user("路人")
    api = api_for(shopper)
    assert_error(api.get(f"{BASE}/identity"), 403, "NOT_A_DISTRIBUTOR")
    assert_error(api.put(f"{BASE}/identity", {"real_name": "路人甲", "id_number": ID_NUMBER}), 403, "NOT_A_DISTRIBUTOR")
    assert_error(api.get(f"{BASE}/income-statement"), 403, "NOT_A_DISTRIBUTOR")
    assert Api().get(f"{BASE}/identity").status_code == 401


def test_the_income_statement_shows_my_quarters(commit, mid, buyer, sku):
    with time_machine.travel(datetime(2026, 5, 3, 2, tzinfo=UTC), tick=False):
        paid_order(commit, buyer, (sku.id, 2))

    found = body(api_for(mid.user).get(f"{BASE}/income-statement", {"year": "2026"}))

    assert found["year"] == 2026
    assert [q["quarter"] for q in found["quarters"]] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    q2 = found["quarters"][1]
    assert (q2["first_day"], q2["last_day"]) == ("2026-04-01", "2026-06-30")
    assert (q2["commission_fen"], q2["net_fen"], q2["record_count"]) == (2000, 2000, 1)
    assert found["total"]["commission_fen"] == 2000 and found["definition"]
    assert body(api_for(mid.user).get(f"{BASE}/income-statement", {"year": "2025"}))["total"]["net_fen"] == 0
    assert_error(api_for(mid.user).get(f"{BASE}/income-statement", {"year": "20x6"}), 400, "STATEMENT_YEAR_INVALID")


def test_the_operator_reveal_needs_its_permission_and_is_logged(mid):
    identity_submit(user_id=mid.user_id, real_name="王强", id_number=ID_NUMBER)
    staff = StaffUserFactory()
    api = Api(token_pair_issue(user_id=staff.id, scope="staff").access)
    url = f"/api/v1/admin/distributors/{mid.id}/identity"

    assert_error(api.get(url), 403, "IDENTITY_REVEAL_FORBIDDEN")
    staff.user_permissions.add(Permission.objects.get(codename="reveal_identity"))
    full = body(api.get(url, {"reason": "核对提现"}))

    assert (full["real_name"], full["id_number"]) == ("王强", ID_NUMBER)
    assert AuditEntry.objects.filter(action="distribution.identity_reveal", actor_id=staff.id).count() == 1
    assert AuditEntry.objects.filter(action="distribution.identity_reveal_refused", actor_id=staff.id).count() == 1
    assert_error(api.get("/api/v1/admin/distributors/999999/identity"), 404, "IDENTITY_NOT_FOUND")


def test_a_refused_withdrawal_names_the_reason_so_the_client_can_prompt(mid, staff_settings_low_threshold):
    from fenxiao.distribution import ledger_accounts
    from fenxiao.ledger.services import ledger_post

    ledger_post(
        kind="test_seed",
        reference=f"test:api-fund:{mid.id}",
        legs=[(ledger_accounts.available(mid.id), 10_000), (ledger_accounts.COMMISSION_EXPENSE, -10_000)],
    )
    bank = {"bank_name": "招商银行", "bank_account_name": "王强", "bank_account_no": "6225880212345678"}
    answer = api_for(mid.user).post(f"{BASE}/withdrawals", {"amount_fen": 5_000, "method": "bank", "bank": bank})
    assert_error(answer, 409, "WITHDRAW_IDENTITY_REQUIRED")


@pytest.fixture
def staff_settings_low_threshold(db):
    from fenxiao.distribution.config.settings import settings_update

    settings_update(actor_id=StaffUserFactory().id, changes={"identity_required_over_fen": 1_000})
