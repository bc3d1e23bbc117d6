"""``/api/v1/admin/analytics/*`` through the HTTP client: who may read it, what it answers for a
small shop (every key, equal to the figures), and the stable errors for bad input."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.analytics.metrics.definitions import METRICS
from fenxiao.analytics.metrics.figures import figures_get
from fenxiao.analytics.periods import DayRange
from fenxiao.distribution.network.binding import referral_bind
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user, paid_order
from tests.support import Api, assert_error

BEIJING = ZoneInfo("Asia/Shanghai")
OVERVIEW = "/api/v1/admin/analytics/overview"


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BEIJING)


@pytest.fixture
def shop(db, commit):
    """Two buyers in October (one through a distributor, paying twice), one in November."""
    with time_machine.travel(at(9, 30, 9), tick=False):
        seller = make_distributor("api_seller", real_name="周五")
        sku = SkuFactory(price_fen=12_000, stock=100, weight_g=100)
        referred, organic = make_user("api_ref"), make_user("api_org")
        referral_bind(user_id=referred.id, code=seller.code, source="link")
    for moment, buyer, qty in ((at(10, 3, 10), referred, 1), (at(10, 20, 23), organic, 2), (at(11, 2, 8), referred, 1)):
        with time_machine.travel(moment, tick=False):
            paid_order(commit, buyer, (sku.id, qty))
    return seller


def _api_for(user: User) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="staff").access)


@pytest.fixture
def analyst_user(db) -> User:
    user = User.objects.create(username="analyst", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_datacentre"))
    return user


@pytest.fixture
def analyst(analyst_user) -> Api:
    return _api_for(analyst_user)


def test_overview_answers_every_metric_with_the_previous_period_and_definitions(shop, analyst):
    r = analyst.get(OVERVIEW, {"from": "2026-10-01", "to": "2026-10-31"})

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["from"], body["to"]) == ("2026-10-01", "2026-10-31")
    assert (body["previous_from"], body["previous_to"]) == ("2026-08-31", "2026-09-30")
    assert set(body["metrics"]) == set(METRICS) == set(body["previous"]) == set(body["definitions"])
    expected = figures_get(DayRange(date(2026, 10, 1), date(2026, 10, 31))).as_dict()
    assert body["metrics"] == expected
    assert body["metrics"]["paid_orders"] == 2 and body["metrics"]["buyers"] == 2
    assert body["metrics"]["new_buyer_sources"] == {"distribution": 1, "invite": 0, "organic": 1}
    assert body["previous"]["gmv_fen"] == 0 and body["previous"]["aov_fen"] is None
    assert body["definitions"]["commission_share_bps"]["band_low"] == 1000
    assert body["health"]["distributor_activity_bps"] in {"green", "amber"}


def test_trend_by_week_has_one_point_per_clipped_week_equal_to_the_figures(shop, analyst):
    r = analyst.get(
        "/api/v1/admin/analytics/trend",
        {"metric": "gmv_fen", "from": "2026-10-01", "to": "2026-10-20", "granularity": "week"},
    )

    assert r.status_code == 200, r.content
    points = r.json()["points"]
    assert [(p["from"], p["to"]) for p in points] == [
        ("2026-10-01", "2026-10-04"),
        ("2026-10-05", "2026-10-11"),
        ("2026-10-12", "2026-10-18"),
        ("2026-10-19", "2026-10-20"),
    ]
    assert [p["value"] for p in points] == [
        figures_get(DayRange(date.fromisoformat(p["from"]), date.fromisoformat(p["to"]))).gmv_fen for p in points
    ]
    assert points[0]["value"] > 0 and points[3]["value"] > 0


def test_cohorts_count_october_buyers_who_paid_again_in_november(shop, analyst_user):
    with time_machine.travel(at(12, 7, 12), tick=False):  # November is over
        r = _api_for(analyst_user).get(
            "/api/v1/admin/analytics/cohorts", {"from_month": "2026-10", "to_month": "2026-11"}
        )

    assert r.status_code == 200, r.content
    rows = r.json()["rows"]
    assert [(x["month"], x["buyers"], x["repeat_buyers"], x["rate_bps"], x["complete"]) for x in rows] == [
        ("2026-10", 2, 1, 5000, True),
        ("2026-11", 1, 0, 0, False),
    ]
    assert rows[0]["health"] == "amber" and rows[1]["health"] is None


def test_rankings_name_the_distributor_behind_the_orders(shop, analyst):
    r = analyst.get(
        "/api/v1/admin/analytics/rankings", {"kind": "distributors", "from": "2026-10-01", "to": "2026-11-30"}
    )

    assert r.status_code == 200, r.content
    (top,) = r.json()["by_gmv"]
    assert top["id"] == shop.id and top["orders"] == 2 and "周五" in top["name"]


def test_a_shopper_or_staff_without_the_permission_is_refused(shop):
    shopper = make_user("api_nosy")
    r = Api(token_pair_issue(user_id=shopper.id, scope="user").access).get(
        OVERVIEW, {"from": "2026-10-01", "to": "2026-10-31"}
    )
    assert r.status_code in (401, 403)
    clerk = User.objects.create(username="clerk", is_staff=True)
    assert_error(_api_for(clerk).get(OVERVIEW, {"from": "2026-10-01", "to": "2026-10-31"}), 403, "ANALYTICS_FORBIDDEN")


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        (OVERVIEW, {"from": "2026-10-31", "to": "2026-10-01"}, "ANALYTICS_RANGE_INVALID"),
        (OVERVIEW, {"from": "2020-01-01", "to": "2026-10-01"}, "ANALYTICS_RANGE_TOO_LONG"),
        (
            "/api/v1/admin/analytics/trend",
            {"metric": "nope", "from": "2026-10-01", "to": "2026-10-02"},
            "ANALYTICS_METRIC_UNKNOWN",
        ),
        (
            "/api/v1/admin/analytics/trend",
            {"metric": "new_buyer_sources", "from": "2026-10-01", "to": "2026-10-02"},
            "ANALYTICS_METRIC_UNKNOWN",
        ),
        (
            "/api/v1/admin/analytics/trend",
            {"metric": "gmv_fen", "from": "2025-01-01", "to": "2026-10-02"},
            "ANALYTICS_TOO_MANY_POINTS",
        ),
        (
            "/api/v1/admin/analytics/cohorts",
            {"from_month": "2026-13", "to_month": "2026-12"},
            "ANALYTICS_MONTH_INVALID",
        ),
        (
            "/api/v1/admin/analytics/cohorts",
            {"from_month": "2026-12", "to_month": "2026-10"},
            "ANALYTICS_RANGE_INVALID",
        ),
        (
            "/api/v1/admin/analytics/cohorts",
            {"from_month": "2020-01", "to_month": "2026-10"},
            "ANALYTICS_RANGE_TOO_LONG",
        ),
    ],
)
def test_bad_input_gets_a_stable_code(analyst, path, params, code):
    assert_error(analyst.get(path, params), 422, code)


def test_missing_or_malformed_dates_are_refused_by_validation(analyst):
    assert analyst.get(OVERVIEW, {"from": "2026-10-01"}).status_code == 422
    assert analyst.get(OVERVIEW, {"from": "yesterday", "to": "2026-10-01"}).status_code == 422
    assert (
        analyst.get(
            "/api/v1/admin/analytics/rankings", {"kind": "shops", "from": "2026-10-01", "to": "2026-10-01"}
        ).status_code
        == 422
    )


def test_openapi_documents_the_data_centre_with_its_errors(db):
    spec = Api().get("/api/openapi.json").json()
    for name in ("overview", "trend", "cohorts", "rankings"):
        operation = spec["paths"][f"/api/v1/admin/analytics/{name}"]["get"]
        assert {"401", "403", "422"} <= set(operation["responses"]), name
