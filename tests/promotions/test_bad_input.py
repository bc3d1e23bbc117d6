"""Bad input found by the API fuzzer: numbers beyond what the columns hold, ``null`` for a field
that cannot be empty, times without a time zone, checkout options of the wrong type, and schema
names shared by two endpoints. Each is refused with a 4xx, a stable code and a Chinese message,
and nothing in the database changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

import fenxiao.urls  # noqa: F401  (imports every router, so every schema class exists)
from fenxiao.core.errors import DomainError
from fenxiao.orders.checkout import LineRequest, checkout_quote
from fenxiao.orders.models import Order
from fenxiao.promotions.coupons.templates import coupon_template_update
from fenxiao.promotions.group_buy.activities import group_buy_activity_update
from fenxiao.promotions.invites.campaigns import invite_campaign_update
from fenxiao.promotions.invites.models import InviteCampaign
from fenxiao.promotions.models import CouponTemplate, GroupBuyActivity, GroupBuyMember, SeckillActivity
from fenxiao.promotions.seckill.activities import seckill_activity_update
from tests.promotions.coupons.support import make_template
from tests.promotions.group_buy.support import make_activity as make_group_buy
from tests.promotions.invites.support import make_campaign, reward_template
from tests.promotions.seckill.support import make_activity as make_seckill

pytestmark = pytest.mark.django_db

INT_MAX = 2_147_483_647  # an IntegerField / PositiveIntegerField holds no more
BIGINT_MAX = 2**63 - 1
NAIVE = "2027-01-01T00:00:00"

COUPONS = "/api/v1/admin/coupon-templates"
SECKILLS = "/api/v1/admin/seckill-activities"
GROUP_BUYS = "/api/v1/admin/group-buy-activities"
CAMPAIGNS = "/api/v1/admin/invite-campaigns"


def snapshot(row) -> dict[str, Any]:
    fresh = type(row).objects.get(pk=row.pk)
    return {**model_to_dict(fresh), "updated_at": getattr(fresh, "updated_at", None)}


def assert_refused(res, field: str, *, message: str | None = None) -> None:
    """The project's shape for a body the schema refuses: 422 VALIDATION_ERROR naming the field."""
    body = res.json()
    assert (res.status_code, body["code"], body["field"]) == (422, "VALIDATION_ERROR", field), body
    assert body["message"].startswith(f"参数 {field} 不正确：")
    if message:
        assert message in body["message"], body


def iso(at: datetime) -> str:
    return at.isoformat()


@pytest.fixture
def coupon(db) -> CouponTemplate:
    return make_template()


@pytest.fixture
def seckill(sku) -> SeckillActivity:
    return make_seckill(sku)


@pytest.fixture
def group_buy(sku) -> GroupBuyActivity:
    return make_group_buy(sku)


@pytest.fixture
def campaign(db) -> InviteCampaign:
    return make_campaign(
        inviter_template=reward_template("邀请奖励"),
        invitee_template=reward_template("新人奖励", kind="no_threshold", amount_fen=1_000, threshold_fen=0),
    )


ROWS = {"coupon": COUPONS, "seckill": SECKILLS, "group_buy": GROUP_BUYS, "campaign": CAMPAIGNS}


def patch_and_refuse(request, staff_api, kind: str, body: dict, field: str, message: str | None = None) -> None:
    row = request.getfixturevalue(kind)
    before = snapshot(row)
    res = staff_api.patch(f"{ROWS[kind]}/{row.pk}", body)
    assert_refused(res, field, message=message)
    assert snapshot(row) == before


# ---- 1. integers beyond what the column holds --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("coupon", "total_quantity", INT_MAX + 1),
        ("coupon", "per_user_limit", INT_MAX + 1),
        ("coupon", "valid_days_after_claim", INT_MAX + 1),
        ("coupon", "amount_fen", BIGINT_MAX + 1),
        ("coupon", "threshold_fen", 10**12 + 1),
        ("coupon", "cap_fen", BIGINT_MAX + 1),
        ("seckill", "stock", INT_MAX + 1),
        ("seckill", "per_user_limit", INT_MAX + 1),
        ("seckill", "seckill_price_fen", BIGINT_MAX + 1),
        ("seckill", "sku_id", BIGINT_MAX + 1),
        ("group_buy", "max_groups", INT_MAX + 1),
        ("group_buy", "group_price_fen", BIGINT_MAX + 1),
        ("group_buy", "leader_price_fen", BIGINT_MAX + 1),
        ("campaign", "max_rewards_per_inviter", INT_MAX + 1),
        ("campaign", "min_order_fen", BIGINT_MAX + 1),
        ("campaign", "inviter_template_id", BIGINT_MAX + 1),
    ],
)
def test_a_patch_with_a_number_beyond_the_column_is_refused_and_changes_nothing(request, staff_api, kind, field, value):
    patch_and_refuse(request, staff_api, kind, {field: value}, field, message="数值过大")


def test_a_category_id_no_row_can_have_is_refused(staff_api, coupon):
    before = snapshot(coupon)
    res = staff_api.patch(f"{COUPONS}/{coupon.pk}", {"scope": "categories", "category_ids": [BIGINT_MAX + 1]})
    assert_refused(res, "category_ids.0", message="数值过大")
    assert snapshot(coupon) == before


def test_creating_with_a_number_beyond_the_column_writes_nothing(staff_api, sku, campaign):
    now = timezone.now()
    window = {"starts_at": iso(now), "ends_at": iso(now + timedelta(days=1))}
    created = {
        COUPONS: {
            "name": "券",
            "kind": "fixed",
            "amount_fen": 100,
            "threshold_fen": 1000,
            "total_quantity": INT_MAX + 1,
        },
        SECKILLS: {"name": "秒杀", "sku_id": sku.id, "seckill_price_fen": 1, "stock": INT_MAX + 1, **window},
        GROUP_BUYS: {
            "name": "拼团",
            "sku_id": sku.id,
            "group_size": 2,
            "group_price_fen": 1,
            "max_groups": INT_MAX + 1,
            **window,
        },
        CAMPAIGNS: {
            "name": "邀请",
            "inviter_template_id": campaign.inviter_template_id,
            "invitee_template_id": campaign.invitee_template_id,
            "max_rewards_per_inviter": INT_MAX + 1,
            **window,
        },
    }
    field = {
        COUPONS: "total_quantity",
        SECKILLS: "stock",
        GROUP_BUYS: "max_groups",
        CAMPAIGNS: "max_rewards_per_inviter",
    }
    counts = [m.objects.count() for m in (CouponTemplate, SeckillActivity, GroupBuyActivity, InviteCampaign)]
    for url, body in created.items():
        assert_refused(staff_api.post(url, body), field[url], message="数值过大")
    assert [m.objects.count() for m in (CouponTemplate, SeckillActivity, GroupBuyActivity, InviteCampaign)] == counts


def test_the_largest_number_the_column_holds_is_accepted(staff_api, seckill, group_buy):
    res = staff_api.patch(f"{SECKILLS}/{seckill.pk}", {"stock": INT_MAX, "per_user_limit": INT_MAX})
    assert res.status_code == 200, res.json()
    assert (res.json()["stock"], res.json()["per_user_limit"]) == (INT_MAX, INT_MAX)
    res = staff_api.patch(f"{GROUP_BUYS}/{group_buy.pk}", {"max_groups": INT_MAX})
    assert (res.status_code, res.json()["max_groups"]) == (200, INT_MAX)


@pytest.mark.parametrize(
    "line", ["{sku}:1000", "{sku}:0", "{sku}:-1", f"{BIGINT_MAX + 1}:1", "9" * 5000 + ":1", "{sku}:" + "9" * 30]
)
def test_a_usable_coupons_basket_beyond_the_checkout_bounds_is_refused(buyer_api, sku, line):
    res = buyer_api.get("/api/v1/coupons/usable", {"lines": [line.format(sku=sku.id)]})
    assert (res.status_code, res.json()["code"], res.json()["field"]) == (400, "LINES_INVALID", "lines")


# ---- 2. null for a field that cannot be empty --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("seckill", "commission_allowed"),
        ("seckill", "stock"),
        ("seckill", "name"),
        ("seckill", "ends_at"),
        ("group_buy", "commission_allowed"),
        ("group_buy", "group_size"),
        ("group_buy", "starts_at"),
        ("coupon", "kind"),
        ("coupon", "stackable"),
        ("coupon", "total_quantity"),
        ("campaign", "name"),
        ("campaign", "min_order_fen"),
        ("campaign", "ends_at"),
    ],
)
def test_null_for_a_field_that_cannot_be_empty_is_refused_and_changes_nothing(request, staff_api, kind, field):
    patch_and_refuse(request, staff_api, kind, {field: None}, field, message="不能为空")


def test_null_still_clears_the_fields_that_may_be_empty(staff_api, group_buy):
    res = staff_api.patch(f"{GROUP_BUYS}/{group_buy.pk}", {"max_groups": None, "leader_price_fen": None})
    assert res.status_code == 200, res.json()
    group_buy.refresh_from_db()
    assert (group_buy.max_groups, group_buy.leader_price_fen) == (None, None)


def test_a_service_given_null_for_commission_allowed_refuses_it(seckill, group_buy):
    for update, row, code in (
        (seckill_activity_update, seckill, "SECKILL_INVALID"),
        (group_buy_activity_update, group_buy, "GROUP_BUY_INVALID"),
    ):
        before = snapshot(row)
        with pytest.raises(DomainError) as err:
            update(activity_id=row.pk, fields={"commission_allowed": None})
        assert (err.value.code, err.value.status) == (code, 400)
        assert "请选择是否参与分销佣金" in err.value.message
        assert snapshot(row) == before


# ---- 3. times without a time zone --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("seckill", "ends_at"),
        ("seckill", "starts_at"),
        ("group_buy", "ends_at"),
        ("campaign", "ends_at"),
        ("coupon", "valid_until"),
        ("coupon", "valid_from"),
    ],
)
def test_a_time_without_a_time_zone_is_refused_and_changes_nothing(request, staff_api, kind, field):
    body = {field: NAIVE}
    if kind == "coupon":  # switch the coupon to a fixed end date, as a merchant would
        body |= {"valid_days_after_claim": None}
    patch_and_refuse(request, staff_api, kind, body, field, message="时区")


def test_a_time_outside_the_sane_years_is_refused(request, staff_api):
    # year 1 at +14:00 is before year 1 in UTC: converting it overflowed
    patch_and_refuse(request, staff_api, "seckill", {"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at")
    patch_and_refuse(request, staff_api, "group_buy", {"ends_at": "9999-12-31T23:59:59-12:00"}, "ends_at")


def test_creating_with_a_time_without_a_time_zone_writes_nothing(staff_api, sku):
    body = {"name": "秒杀", "sku_id": sku.id, "seckill_price_fen": 1, "stock": 1, "starts_at": NAIVE}
    body["ends_at"] = "2027-01-02T00:00:00"
    assert_refused(staff_api.post(SECKILLS, body), "starts_at", message="时区")
    body = {"name": "拼团", "sku_id": sku.id, "group_size": 2, "group_price_fen": 1}
    body |= {"starts_at": iso(timezone.now()), "ends_at": NAIVE}
    assert_refused(staff_api.post(GROUP_BUYS, body), "ends_at", message="时区")
    assert not SeckillActivity.objects.exists() and not GroupBuyActivity.objects.exists()


@pytest.mark.parametrize("kind", ["seckill", "group_buy", "campaign", "coupon"])
def test_a_service_given_a_naive_time_refuses_it(request, kind):
    row = request.getfixturevalue(kind)
    naive = datetime(2027, 1, 1)
    update, fields, code = {
        "seckill": (seckill_activity_update, {"ends_at": naive}, "SECKILL_INVALID"),
        "group_buy": (group_buy_activity_update, {"ends_at": naive}, "GROUP_BUY_INVALID"),
        "campaign": (invite_campaign_update, {"ends_at": naive}, "INVITE_CAMPAIGN_INVALID"),
        "coupon": (
            coupon_template_update,
            {"valid_until": naive, "valid_from": datetime(2026, 1, 1), "valid_days_after_claim": None},
            "COUPON_TEMPLATE_INVALID",
        ),
    }[kind]
    key = {"seckill": "activity_id", "group_buy": "activity_id", "campaign": "campaign_id", "coupon": "template_id"}
    before = snapshot(row)
    with pytest.raises(DomainError) as err:
        update(**{key[kind]: row.pk}, fields=fields)
    assert (err.value.code, err.value.status) == (code, 400)
    assert "时区" in err.value.message
    assert snapshot(row) == before


# ---- 4. checkout options of the wrong type -----------------------------------------------------

WRONG_IDS = ["abc", "12", [1], {"id": 1}, True, 1.5, 0, -3, BIGINT_MAX + 1]


@pytest.mark.parametrize("value", WRONG_IDS, ids=repr)
@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("group_buy_member_id", "GROUP_BUY_NOT_ALLOWED"),
        ("seckill_id", "SECKILL_NOT_ALLOWED"),
        ("coupon_id", "COUPON_NOT_USABLE"),
    ],
)
def test_a_pricing_option_of_the_wrong_type_is_a_clear_400(buyer, sku, key, code, value):
    # the providers are called by internal callers too (storefront, services), not only through the
    # typed API schema: they must refuse junk themselves
    options = {key: value, "group_buy_token": "t", "seckill_token": "t"}
    with pytest.raises(DomainError) as err:
        checkout_quote(user=buyer, lines=[LineRequest(sku.id, 1)], options=options)
    assert (err.value.code, err.value.status) == (code, 400)
    assert err.value.message


@pytest.mark.parametrize("choice", ["cheapest", ["best"], {"best": True}, 1])
def test_a_coupon_choice_other_than_best_is_refused(buyer, sku, choice):
    with pytest.raises(DomainError) as err:
        checkout_quote(user=buyer, lines=[LineRequest(sku.id, 1)], options={"coupon": choice})
    assert (err.value.code, err.value.status) == ("COUPON_NOT_USABLE", 400)


@pytest.mark.parametrize("token", [None, 5, ["t"], ""])
def test_a_group_buy_token_of_the_wrong_type_is_refused(buyer, sku, group_buy, token):
    with pytest.raises(DomainError) as err:
        checkout_quote(
            user=buyer, lines=[LineRequest(sku.id, 1)], options={"group_buy_member_id": 1, "group_buy_token": token}
        )
    assert (err.value.code, err.value.status) == ("GROUP_BUY_NOT_ALLOWED", 400)


@pytest.mark.parametrize("value", ["abc", [1], {"id": 1}])
def test_an_order_with_a_group_buy_option_of_the_wrong_type_is_refused_and_not_placed(buyer, buyer_api, sku, value):
    body = {
        "lines": [{"sku_id": sku.id, "quantity": 1}],
        "address_id": buyer.addresses.get().pk,
        "options": {"group_buy_member_id": value, "group_buy_token": "t"},
    }
    quote = buyer_api.post("/api/v1/checkout/quote", body)
    placed = buyer_api.post("/api/v1/orders", body)
    # 422 once the orders API types its options, 400 from the provider until then: never a 500
    for res in (quote, placed):
        assert res.status_code in (400, 422), res.content
        assert res.json()["code"] in ("GROUP_BUY_NOT_ALLOWED", "VALIDATION_ERROR")
    assert not Order.objects.exists()
    assert not GroupBuyMember.objects.exists()


# ---- 5. one OpenAPI definition per schema name -------------------------------------------------


def test_every_promotions_endpoint_is_documented_with_its_own_schema(client):
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]

    def body(path: str, method: str) -> str:
        return paths[path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]

    def answer(path: str, method: str, status: str = "200") -> dict:
        return paths[path][method]["responses"][status]["content"]["application/json"]["schema"]

    ref = "#/components/schemas/"
    assert answer("/api/v1/seckill", "get")["items"]["$ref"] == f"{ref}SeckillActivityOut"
    assert answer("/api/v1/seckill/{activity_id}", "get")["$ref"] == f"{ref}SeckillActivityOut"
    assert body("/api/v1/seckill/{activity_id}/orders", "post") == f"{ref}SeckillBuyIn"
    assert body(GROUP_BUYS, "post") == f"{ref}GroupBuyActivityIn"
    assert answer(GROUP_BUYS, "post", "201")["$ref"] == f"{ref}GroupBuyActivityAdminOut"
    assert body(f"{SECKILLS}/{{activity_id}}", "patch") == f"{ref}SeckillActivityPatch"
    assert answer("/api/v1/group-buy/{activity_id}", "get")["$ref"] == f"{ref}GroupBuyActivityOut"
    assert answer(f"{COUPONS}/{{template_id}}/report", "get")["$ref"] == f"{ref}CouponReportOut"
    assert answer(f"{CAMPAIGNS}/{{campaign_id}}/report", "get")["$ref"] == f"{ref}InviteReportOut"
    assert answer(f"{SECKILLS}/{{activity_id}}/report", "get")["$ref"] == f"{ref}SeckillReportOut"
    assert answer(f"{GROUP_BUYS}/{{activity_id}}/report", "get")["$ref"] == f"{ref}GroupBuyReportOut"
    # the seckill create body documents the seckill fields, not the group-buy ones
    seckill_in = spec["components"]["schemas"]["SeckillActivityIn"]["properties"]
    assert "stock" in seckill_in and "group_size" not in seckill_in
    assert seckill_in["starts_at"]["format"] == "date-time"
