"""``GET /api/v1/admin/compliance/report`` through the HTTP client: who may read it, what it
answers (equal to the service's report), and the stable errors for a bad period."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user, paid_order
from tests.support import Api, assert_error

URL = "/api/v1/admin/compliance/report"
BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING)


def _api_for(user: User, scope: str = "staff") -> Api:
    return Api(token_pair_issue(user_id=user.id, scope=scope).access)


@pytest.fixture
def officer(db) -> User:
    user = User.objects.create(username="officer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_compliance_report"))
    return user


@pytest.fixture
def compliance_officer(officer) -> Api:
    """A token issued now, for tests that do not travel in time."""
    return _api_for(officer)


@pytest.fixture
def sale(db, commit):
    """One shopper under B under A pays 100 yuan in November: B 10 yuan, A 5 yuan."""
    with time_machine.travel(NOW, tick=False):
        sku = SkuFactory(price_fen=10_000, stock=10, weight_g=100)
        top = make_distributor("api_a")
        mid = make_distributor("api_b", under=top)
        shopper = make_user("api_s")
        referral_bind(user_id=shopper.id, code=mid.code, source="link")
        paid_order(commit, shopper, (sku.id, 1))


def test_the_report_answers_every_rule_and_the_network(sale, officer):
    with time_machine.travel(NOW, tick=False):
        r = _api_for(officer).get(URL, {"from": "2026-11-01", "to": "2026-11-30"})

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["from"], body["to"], body["passed"]) == ("2026-11-01", "2026-11-30", True)
    assert [c["key"] for c in body["checks"]] == [
        "levels",
        "indirect_rates",
        "total_cap",
        "no_entry_fee",
        "tiers_not_recruiting",
        "invite_rewards",
        "commission_on_paid_sales",
    ]
    assert all(c["passed"] and c["evidence"] and c["basis"] for c in body["checks"])
    network = body["network"]
    assert network["deepest_paid_level"] == 2
    assert network["levels"] == [
        {"level": 1, "records": 1, "commission_fen": 1000},
        {"level": 2, "records": 1, "commission_fen": 500},
        {"level": 3, "records": 0, "commission_fen": 0},
    ]
    assert (network["own_commission_fen"], network["downline_commission_fen"]) == (1000, 500)
    assert network["downline_share_bps"] == 3333  # 500 / 1500, half-up
    assert (network["team_threshold"], network["large_teams"]) == (30, [])
    assert AuditEntry.objects.filter(action="compliance_report.view", changes__channel="api").count() == 1


def test_without_dates_the_report_covers_the_year_up_to_today(officer):
    with time_machine.travel(NOW, tick=False):
        body = _api_for(officer).get(URL).json()
    assert (body["from"], body["to"]) == ("2025-11-21", "2026-11-20")


def test_staff_without_the_permission_are_refused(db):
    clerk = User.objects.create(username="clerk", is_staff=True)
    assert_error(_api_for(clerk).get(URL), 403, "COMPLIANCE_FORBIDDEN")
    assert not AuditEntry.objects.filter(action="compliance_report.view").exists()


def test_a_shopper_token_and_no_token_are_refused(db):
    shopper = make_user("nosy")
    assert_error(_api_for(shopper, scope="user").get(URL), 403, "STAFF_ONLY")
    assert Api().get(URL).status_code == 401


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "COMPLIANCE_RANGE_INVALID"),
        ({"from": "2010-01-01", "to": "2026-11-01"}, "COMPLIANCE_RANGE_TOO_LONG"),
    ],
)
def test_a_bad_period_is_answered_with_a_stable_code(compliance_officer, params, code):
    body = assert_error(compliance_officer.get(URL, params), 422, code)
    assert body["field"] in {"from", "to"}


def test_a_date_that_is_not_a_date_is_a_validation_error(compliance_officer):
    assert compliance_officer.get(URL, {"from": "november"}).status_code == 422
