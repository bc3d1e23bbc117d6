"""Bad input to the operator's distribution API (found by the API fuzzer): numbers beyond their
column or beyond reason, negatives only a CHECK constraint caught, a tier without a rank, a tier
name longer than its column, a version time without a zone. Each is a 4xx with a stable code and
a Chinese message, and nothing is written. Also: one OpenAPI schema per class name."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.test import Client
from django.urls import reverse

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.core.errors import DomainError
from fenxiao.distribution.config.rules import (
    MAX_AMOUNT_FEN,
    MAX_DAYS,
    MAX_FIXED_UNIT_FEN,
    MAX_TIER_COUNT,
    MAX_TIER_RANK,
    SettingsInput,
    override_amount_violations,
    settings_violations,
    tier_field_violations,
)
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import DistributionSettings, ProductCommission, Tier
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import ProductFactory
from tests.distribution.console.support import settings_form
from tests.support import Api

SETTINGS = "/api/v1/admin/distribution/settings"
TIERS = "/api/v1/admin/distribution/tiers"
INT_OVER = 2**31  # one past PostgreSQL integer
BIGINT_OVER = 2**63  # one past PostgreSQL bigint
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def staff_api(db, django_user_model) -> Api:
    staff = django_user_model.objects.create(username="operator", is_staff=True, is_superuser=True)
    return Api(token_pair_issue(user_id=staff.id, scope="staff").access)


def _stored() -> tuple:
    return (
        DistributionSettings.objects.filter(pk=1).values().get(),
        list(Tier.objects.order_by("id").values()),
        list(ProductCommission.objects.order_by("id").values()),
        AuditEntry.objects.count(),
    )


@contextmanager
def nothing_written():
    """The settings row, every tier, every product override and the audit log, unchanged."""
    DistributionSettings.objects.get_or_create(pk=1)
    before = _stored()
    yield
    assert _stored() == before


def assert_refused(response, status: int, code: str, field: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert CHINESE.search(body["message"])


# -- 1. numbers beyond the column, or beyond reason ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("freeze_days", INT_OVER, "DIST_FREEZE_DAYS_INVALID"),
        ("freeze_days", MAX_DAYS + 1, "DIST_FREEZE_DAYS_INVALID"),
        ("rebind_after_days", INT_OVER, "DIST_REBIND_DAYS_INVALID"),
        ("rebind_after_days", BIGINT_OVER, "DIST_REBIND_DAYS_INVALID"),
        ("rebind_after_days", MAX_DAYS + 1, "DIST_REBIND_DAYS_INVALID"),
        ("spend_threshold_fen", BIGINT_OVER, "DIST_SPEND_THRESHOLD_INVALID"),
        ("withdraw_min_fen", BIGINT_OVER, "DIST_WITHDRAW_AMOUNT_TOO_LARGE"),
        ("withdraw_fee_min_fen", BIGINT_OVER, "DIST_WITHDRAW_AMOUNT_TOO_LARGE"),
        ("withdraw_daily_limit_fen", BIGINT_OVER, "DIST_WITHDRAW_AMOUNT_TOO_LARGE"),
        ("withdraw_daily_limit_fen", MAX_AMOUNT_FEN + 1, "DIST_WITHDRAW_AMOUNT_TOO_LARGE"),
        ("withdraw_auto_approve_max_fen", BIGINT_OVER, "DIST_WITHDRAW_AMOUNT_TOO_LARGE"),
    ],
)
def test_settings_numbers_beyond_their_range_are_refused(staff_api, field, value, code):
    with nothing_written():
        r = staff_api.put(SETTINGS, {field: value})
    assert_refused(r, 400, code, field)


def test_settings_at_the_ceilings_are_accepted(staff_api):
    at_most = {
        "freeze_days": MAX_DAYS,
        "rebind_after_days": MAX_DAYS,
        "spend_threshold_fen": MAX_AMOUNT_FEN,
        "withdraw_daily_limit_fen": MAX_AMOUNT_FEN,
        "withdraw_auto_approve_max_fen": MAX_AMOUNT_FEN,
    }
    r = staff_api.put(SETTINGS, at_most)
    assert r.status_code == 200, r.content
    row = DistributionSettings.objects.filter(pk=1).values(*at_most).get()
    assert row == at_most


TIER_CHANGES = [
    ({"min_orders": INT_OVER}, "DIST_TIER_THRESHOLD_INVALID", "min_orders"),
    ({"min_orders": -1}, "DIST_TIER_THRESHOLD_INVALID", "min_orders"),
    ({"min_customers": INT_OVER}, "DIST_TIER_THRESHOLD_INVALID", "min_customers"),
    ({"min_customers": MAX_TIER_COUNT + 1}, "DIST_TIER_THRESHOLD_INVALID", "min_customers"),
    ({"min_sales_fen": BIGINT_OVER}, "DIST_TIER_THRESHOLD_INVALID", "min_sales_fen"),
    ({"min_sales_fen": -1}, "DIST_TIER_THRESHOLD_INVALID", "min_sales_fen"),
    ({"rank": 32_768}, "DIST_TIER_RANK_INVALID", "rank"),  # one past smallint
    ({"rank": MAX_TIER_RANK + 1}, "DIST_TIER_RANK_INVALID", "rank"),
    ({"rank": -1}, "DIST_TIER_RANK_INVALID", "rank"),
    ({"level1_bps": INT_OVER}, "DIST_RATE_SUM_OVER_CAP", "tiers"),
    ({"level3_bps": INT_OVER}, "DIST_DISABLED_LEVEL_RATE", "tiers"),
]


@pytest.mark.parametrize(("change", "code", "field"), TIER_CHANGES)
def test_tier_update_beyond_range_is_refused(staff_api, change, code, field):
    tier = Tier.objects.get(rank=0)
    with nothing_written():
        r = staff_api.put(f"{TIERS}/{tier.id}", change)
    assert_refused(r, 400, code, field)


@pytest.mark.parametrize(("change", "code", "field"), TIER_CHANGES)
def test_tier_create_beyond_range_is_refused(staff_api, change, code, field):
    with nothing_written():
        r = staff_api.post(TIERS, {"name": "钻石", "rank": 3, **change})
    assert_refused(r, 400, code, field)


@pytest.fixture
def override(staff_api):
    """A product with its own fixed commission already set."""
    product = ProductFactory()
    ok = staff_api.put(
        f"/api/v1/admin/distribution/product-commissions/{product.id}",
        {"mode": "fixed", "level1_fixed_fen": 300, "level2_fixed_fen": 100},
    )
    assert ok.status_code == 200
    return product


FIXED_TOO_LARGE = "DIST_OVERRIDE_FIXED_TOO_LARGE"
OVERRIDE_BODIES = [
    # 1: beyond bigint, at bigint's top, and merely absurd (more than 1000万元 a unit)
    ({"mode": "fixed", "level1_fixed_fen": BIGINT_OVER}, FIXED_TOO_LARGE, "level1_fixed_fen"),
    ({"mode": "fixed", "level1_fixed_fen": BIGINT_OVER - 1}, FIXED_TOO_LARGE, "level1_fixed_fen"),
    ({"mode": "fixed", "level1_fixed_fen": MAX_FIXED_UNIT_FEN + 1}, FIXED_TOO_LARGE, "level1_fixed_fen"),
    ({"mode": "rate", "level1_bps": 1000, "level3_fixed_fen": BIGINT_OVER}, FIXED_TOO_LARGE, "level3_fixed_fen"),
    ({"mode": "fixed", "level1_fixed_fen": 100, "level3_bps": INT_OVER}, "DIST_OVERRIDE_RATE_INVALID", "level3_bps"),
    # 2: negatives in the fields the mode does not use, which only CHECK constraints caught
    ({"mode": "rate", "level1_bps": 1000, "level2_fixed_fen": -1}, "DIST_OVERRIDE_NEGATIVE", "level2_fixed_fen"),
    ({"mode": "fixed", "level1_fixed_fen": 100, "level1_bps": -5}, "DIST_RATE_NEGATIVE", "level1_bps"),
    ({"mode": "fixed", "level1_fixed_fen": -1}, "DIST_OVERRIDE_NEGATIVE", "level1_fixed_fen"),
]


@pytest.mark.parametrize(("body", "code", "field"), OVERRIDE_BODIES)
def test_product_commission_out_of_range_or_negative_is_refused(staff_api, override, body, code, field):
    fresh = ProductFactory()  # no override yet: none may be created either
    with nothing_written():
        changed = staff_api.put(f"/api/v1/admin/distribution/product-commissions/{override.id}", body)
        created = staff_api.put(f"/api/v1/admin/distribution/product-commissions/{fresh.id}", body)
    assert_refused(changed, 400, code, field)
    assert_refused(created, 400, code, field)


def test_a_fixed_commission_at_the_ceiling_is_accepted(staff_api, override):
    r = staff_api.put(
        f"/api/v1/admin/distribution/product-commissions/{override.id}",
        {"mode": "fixed", "level1_fixed_fen": MAX_FIXED_UNIT_FEN},
    )
    assert r.status_code == 200 and r.json()["level1_fixed_fen"] == MAX_FIXED_UNIT_FEN


# -- 2. negatives the settings rules now name ------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "code"),
    [("rebind_after_days", "DIST_REBIND_DAYS_INVALID"), ("freeze_days", "DIST_FREEZE_DAYS_INVALID")],
)
def test_negative_days_are_refused_whatever_the_binding_policy(staff_api, field, code):
    assert DistributionSettings.objects.get_or_create(pk=1)[0].binding_policy == "first_touch"
    with nothing_written():
        r = staff_api.put(SETTINGS, {field: -1})
    assert_refused(r, 400, code, field)
    assert "负" in r.json()["message"]


# -- 3. a tier created without a rank ---------------------------------------------------------------


def test_a_tier_created_without_rank_goes_above_the_highest(staff_api):
    before = list(Tier.objects.order_by("id").values())
    highest = max(t["rank"] for t in before)
    r = staff_api.post(TIERS, {"name": "银牌2"})
    assert r.status_code == 201, r.content
    assert r.json()["rank"] == highest + 1
    assert [t["name"] for t in staff_api.get(TIERS).json()][-1] == "银牌2"
    assert list(Tier.objects.exclude(name="银牌2").order_by("id").values()) == before
    assert AuditEntry.objects.filter(action="distribution.tier_create").count() == 1


# -- 4. a tier name longer than its column ----------------------------------------------------------


def test_a_tier_name_longer_than_32_characters_is_refused(staff_api):
    tier = Tier.objects.get(rank=0)
    with nothing_written():
        created = staff_api.post(TIERS, {"name": "钻" * 33, "rank": 3})
        renamed = staff_api.put(f"{TIERS}/{tier.id}", {"name": "钻" * 33})
    for r in (created, renamed):
        assert_refused(r, 422, "VALIDATION_ERROR", "name")
    ok = staff_api.post(TIERS, {"name": "钻" * 32, "rank": 3})
    assert ok.status_code == 201 and ok.json()["name"] == "钻" * 32


# -- 5. a version time without a zone --------------------------------------------------------------


def test_if_updated_at_without_timezone_is_refused(staff_api):
    loaded = staff_api.get(SETTINGS).json()["updated_at"]  # e.g. 2026-11-26T08:30:00.123+00:00
    naive = re.sub(r"(Z|[+-]\d\d:\d\d)$", "", loaded)
    assert naive != loaded
    with nothing_written():
        r = staff_api.put(SETTINGS, {"freeze_days": 9, "if_updated_at": naive})
    assert_refused(r, 422, "VALIDATION_ERROR", "if_updated_at")
    assert "时区" in r.json()["message"]
    ok = staff_api.put(SETTINGS, {"freeze_days": 9, "if_updated_at": loaded})
    assert ok.status_code == 200 and ok.json()["freeze_days"] == 9


def test_the_settings_service_refuses_a_naive_version_time_too(db):
    row = DistributionSettings.objects.get_or_create(pk=1)[0]
    with nothing_written(), pytest.raises(DomainError) as refused:
        settings_update(
            actor_id=None, changes={"freeze_days": 9}, expected_updated_at=row.updated_at.replace(tzinfo=None)
        )
    assert refused.value.code == "DIST_SETTINGS_VERSION_INVALID" and refused.value.status == 400


@pytest.mark.parametrize("loaded_at", ["2026-11-26T08:30:00", "2026-13-45T99:00:00+08:00", "yesterday"])
def test_the_settings_page_refuses_a_broken_loaded_at(staff_api, django_user_model, loaded_at):
    console = Client()
    console.force_login(django_user_model.objects.get(username="operator"))
    with nothing_written():
        page = console.post(
            reverse("admin:distribution_distributionsettings_change", args=[1]),
            settings_form(freeze_days="9", loaded_at=loaded_at),
        )
    assert page.status_code == 200 and "页面数据已失效" in page.content.decode()


# -- 6. one OpenAPI schema per class name ------------------------------------------------------------


# (Unique names across the project: tests/api/test_openapi_contract.py.)


def test_the_centre_and_the_operator_api_reference_their_own_schemas():
    import fenxiao.urls  # noqa: F401
    from fenxiao.core.web_api import api

    spec = api.get_openapi_schema()
    schemas = spec["components"]["schemas"]

    def ref(path: str, method: str = "get", status: int = 200) -> str:
        content = spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
        return content.get("$ref") or content["items"]["$ref"]

    me = schemas["MeOut"]["properties"]
    assert me["tier"]["anyOf"][0]["$ref"] == "#/components/schemas/MyTierOut"
    assert me["application"]["anyOf"][0]["$ref"] == "#/components/schemas/MyApplicationOut"
    assert "rates_bps" in schemas["MyTierOut"]["properties"]
    assert "reject_reason" in schemas["MyApplicationOut"]["properties"]
    assert ref("/api/v1/distribution/withdrawals") == "#/components/schemas/MyWithdrawalPageOut"
    assert "closed_at" in schemas["MyWithdrawalOut"]["properties"]
    assert ref("/api/v1/admin/distribution/tiers") == "#/components/schemas/TierOut"
    assert "distributor_count" in schemas["TierOut"]["properties"]
    assert ref("/api/v1/admin/withdrawals") == "#/components/schemas/WithdrawalPageOut"
    assert "paid_reference" in schemas["WithdrawalAdminOut"]["properties"]
    assert ref("/api/v1/distribution/apply", "post", 201) == "#/components/schemas/ApplicationOut"
    assert "distributor_code" in schemas["ApplicationOut"]["properties"]


# -- the pure rules behind the refusals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({"freeze_days": MAX_DAYS}, []),
        ({"freeze_days": MAX_DAYS + 1}, ["DIST_FREEZE_DAYS_INVALID"]),
        ({"rebind_after_days": -1, "binding_policy": "rebind_after_days"}, ["DIST_REBIND_DAYS_INVALID"]),  # once
        ({"spend_threshold_fen": -1}, ["DIST_SPEND_THRESHOLD_INVALID"]),
        ({"become_policy": "spend", "spend_threshold_fen": -1}, ["DIST_SPEND_THRESHOLD_INVALID"]),  # once
        (
            {"withdraw_min_fen": MAX_AMOUNT_FEN + 1},
            ["DIST_WITHDRAW_AMOUNT_TOO_LARGE", "DIST_WITHDRAW_DAILY_BELOW_MIN"],
        ),
    ],
)
def test_settings_rules_name_the_ranges(changes, codes):
    assert [v.code for v in settings_violations(SettingsInput(**changes))] == codes


def test_tier_and_override_rules_accept_the_edges():
    edges = {"min_sales_fen": MAX_AMOUNT_FEN, "min_customers": MAX_TIER_COUNT, "min_orders": 0}
    assert tier_field_violations(rank=MAX_TIER_RANK, **edges) == []
    amounts = {"level1_bps": 10_000, "level2_bps": 0, "level3_bps": 0}
    amounts |= {"level1_fixed_fen": MAX_FIXED_UNIT_FEN, "level2_fixed_fen": 0, "level3_fixed_fen": 0}
    assert override_amount_violations(mode="fixed", values=amounts) == []
    # in rate mode the rates are the settings rules' to judge (cap, indirect below direct)
    assert override_amount_violations(mode="rate", values={**amounts, "level1_bps": -1}) == []
