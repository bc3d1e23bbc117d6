"""The distribution API through the HTTP client: the distributor's writes and the operator's
queues and settings, with their error codes."""

from __future__ import annotations

import pytest

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.models import (
    Distributor,
    DistributorApplication,
    DistributorStatus,
    Referral,
    Tier,
    Withdrawal,
)
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway
from fenxiao.ledger.services import ledger_post
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import ProductFactory
from tests.distribution.support import balances, make_distributor, make_user
from tests.support import Api

pytestmark = pytest.mark.django_db


def api_for(user) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="user").access)


@pytest.fixture
def staff_api(django_user_model) -> Api:
    staff = django_user_model.objects.create(username="operator", is_staff=True, is_superuser=True)
    return Api(token_pair_issue(user_id=staff.id, scope="staff").access)


@pytest.fixture
def shopper(db):
    return make_user("erin")


@pytest.fixture(autouse=True)
def _fresh_transfer_gateway(sandbox_dir):
    reset_transfer_gateway()
    yield
    reset_transfer_gateway()


# -- applying -------------------------------------------------------------------------------------


def test_apply_then_operator_approves(shopper, staff_api):
    me = api_for(shopper)
    r = me.post("/api/v1/distribution/apply", {"real_name": "赵六", "phone": "13912345678", "reason": "喜欢分享"})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "pending" and r.json()["distributor_code"] is None

    again = me.post("/api/v1/distribution/apply", {"real_name": "赵六", "phone": "13912345678"})
    assert again.status_code == 409 and again.json()["code"] == "DIST_APPLICATION_PENDING"

    queue = staff_api.get("/api/v1/admin/distributor-applications", {"status": "pending"}).json()
    assert [a["real_name"] for a in queue["items"]] == ["赵六"]

    application_id = r.json()["id"]
    approved = staff_api.post(f"/api/v1/admin/distributor-applications/{application_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert Distributor.objects.get(user=shopper).code
    twice = staff_api.post(f"/api/v1/admin/distributor-applications/{application_id}/approve")
    assert twice.status_code == 409 and twice.json()["code"] == "DIST_APPLICATION_REVIEWED"


def test_reject_needs_a_reason(shopper, staff_api):
    r = api_for(shopper).post("/api/v1/distribution/apply", {"real_name": "赵六", "phone": "13912345678"})
    application_id = r.json()["id"]
    empty = staff_api.post(f"/api/v1/admin/distributor-applications/{application_id}/reject", {"reason": ""})
    assert empty.status_code == 400 and empty.json()["code"] == "DIST_REJECT_REASON_REQUIRED"
    ok = staff_api.post(f"/api/v1/admin/distributor-applications/{application_id}/reject", {"reason": "资料不全"})
    assert ok.json()["status"] == "rejected" and ok.json()["reject_reason"] == "资料不全"
    assert not Distributor.objects.filter(user=shopper).exists()


def test_bad_applications_are_refused_with_the_field(shopper):
    me = api_for(shopper)
    bad_phone = me.post("/api/v1/distribution/apply", {"real_name": "赵六", "phone": "12345"})
    assert bad_phone.status_code == 400 and bad_phone.json() == {
        "code": "DIST_PHONE_INVALID",
        "message": "请填写正确的 11 位手机号",
        "field": "phone",
    }
    bad_name = me.post("/api/v1/distribution/apply", {"real_name": "x", "phone": "13912345678"})
    assert bad_name.json()["code"] == "DIST_REAL_NAME_INVALID"
    assert DistributorApplication.objects.count() == 0


def test_everyone_policy_makes_a_distributor_at_once(shopper, staff_api):
    staff_api.put("/api/v1/admin/distribution/settings", {"become_policy": "everyone"})
    r = api_for(shopper).post("/api/v1/distribution/apply", {"real_name": "赵六", "phone": "13912345678"})
    assert r.json()["status"] == "approved" and r.json()["distributor_code"]


def test_shoppers_cannot_use_the_operator_api(shopper):
    r = api_for(shopper).get("/api/v1/admin/distribution/settings")
    assert r.status_code in (401, 403)


# -- binding ---------------------------------------------------------------------------------------


def test_bind_follows_first_touch_and_refuses_self_and_loops(shopper):
    a = make_distributor("fay")
    b = make_distributor("gus")
    me = api_for(shopper)

    first = me.post("/api/v1/distribution/bind", {"code": a.code, "source": "qrcode"})
    assert first.json() == {"status": "bound", "message": "绑定成功", "referrer_code": a.code}
    second = me.post("/api/v1/distribution/bind", {"code": b.code.lower(), "source": "link"})
    assert second.json()["status"] == "kept" and second.json()["referrer_code"] == a.code
    assert Referral.objects.get(user=shopper).distributor == a

    own = api_for(a.user).post("/api/v1/distribution/bind", {"code": a.code})
    assert own.status_code == 400 and own.json()["code"] == "DIST_SELF_BIND"

    c = make_distributor("hal", under=a)
    loop = api_for(a.user).post("/api/v1/distribution/bind", {"code": c.code})
    assert loop.status_code == 400 and loop.json()["code"] == "DIST_BIND_LOOP"

    unknown = me.post("/api/v1/distribution/bind", {"code": "NOPE123"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "DIST_CODE_NOT_FOUND"
    bad_source = me.post("/api/v1/distribution/bind", {"code": a.code, "source": "sms"})
    assert bad_source.status_code == 422


# -- withdrawals -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_withdraw_through_the_api_and_confirm_in_the_sandbox():
    """With real commits, as in production: the transfer is created right after the request's
    transaction commits, so the answer already carries what wx.requestMerchantTransfer needs."""
    d = make_distributor("ivy")
    ledger_post(
        kind="test_seed",
        reference="test:seed:ivy",
        legs=[(ledger_accounts.available(d.id), 8_000), (ledger_accounts.COMMISSION_EXPENSE, -8_000)],
    )
    me = api_for(d.user)
    r = me.post("/api/v1/distribution/withdrawals", {"amount_fen": 5_000, "method": "wechat"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "paying" and body["net_fen"] == 5_000
    assert set(body["confirm_params"]) >= {"mchId", "appId", "package"}

    confirmed = me.post(f"/api/v1/distribution/withdrawals/{body['id']}/sandbox-confirm")
    assert confirmed.json()["status"] == "paid" and confirmed.json()["confirm_params"] is None
    assert balances(d).available == 3_000 and balances(d).withdrawing == 0

    other = make_distributor("jon")
    stranger = api_for(other.user).post(f"/api/v1/distribution/withdrawals/{body['id']}/sandbox-confirm")
    assert stranger.status_code == 404


def test_withdraw_refusals_keep_their_codes(shopper):
    not_distributor = api_for(shopper).post("/api/v1/distribution/withdrawals", {"amount_fen": 100, "method": "wechat"})
    assert not_distributor.status_code == 403 and not_distributor.json()["code"] == "NOT_A_DISTRIBUTOR"

    d = make_distributor("kim")
    me = api_for(d.user)
    broke = me.post("/api/v1/distribution/withdrawals", {"amount_fen": 100, "method": "wechat"})
    assert broke.status_code == 409 and broke.json()["code"] == "WITHDRAW_INSUFFICIENT_BALANCE"
    floaty = me.post("/api/v1/distribution/withdrawals", {"amount_fen": 1.5, "method": "wechat"})
    assert floaty.status_code == 422
    assert Withdrawal.objects.count() == 0


def test_operator_reviews_large_withdrawals(staff_api):
    d = make_distributor("lou")
    ledger_post(
        kind="test_seed",
        reference="test:seed:lou",
        legs=[(ledger_accounts.available(d.id), 90_000), (ledger_accounts.COMMISSION_EXPENSE, -90_000)],
    )
    big = api_for(d.user).post("/api/v1/distribution/withdrawals", {"amount_fen": 50_000, "method": "wechat"}).json()
    assert big["status"] == "reviewing"
    queue = staff_api.get("/api/v1/admin/withdrawals", {"status": "reviewing"}).json()
    assert [w["id"] for w in queue["items"]] == [big["id"]]

    rejected = staff_api.post(f"/api/v1/admin/withdrawals/{big['id']}/reject", {"reason": "请补充实名"})
    assert rejected.json()["status"] == "rejected"
    assert balances(d).available == 90_000

    bank = {"bank_name": "工商银行", "bank_account_name": "卢", "bank_account_no": "6222020200112233445"}
    card = (
        api_for(d.user)
        .post("/api/v1/distribution/withdrawals", {"amount_fen": 10_000, "method": "bank", "bank": bank})
        .json()
    )
    assert card["bank_account_no"] == "**** 3445"
    paid = staff_api.post(f"/api/v1/admin/withdrawals/{card['id']}/mark-paid", {"reference": "ICBC-778"})
    assert paid.json()["status"] == "paid" and paid.json()["paid_reference"] == "ICBC-778"
    assert staff_api.post(f"/api/v1/admin/withdrawals/{card['id']}/approve").json()["code"] == "WITHDRAW_NOT_REVIEWING"


def test_forged_transfer_notification_is_refused(db):
    anon = Api()
    r = anon.post(
        "/api/v1/distribution/wechat/transfer-notify",
        raw='{"id":"x","event_type":"MCHTRANSFER.BILL.FINISHED"}',
    )
    assert r.status_code in (400, 401) and r.json()["code"] == "FAIL"


# -- settings, tiers, overrides ------------------------------------------------------------------------


def test_settings_put_validates_and_audits(staff_api):
    ok = staff_api.put("/api/v1/admin/distribution/settings", {"withdraw_min_fen": 500, "freeze_days": 10})
    assert ok.status_code == 200 and ok.json()["withdraw_min_fen"] == 500 and ok.json()["freeze_days"] == 10
    entry = AuditEntry.objects.get(action="distribution.settings_update")
    assert entry.changes["withdraw_min_fen"] == {"from": 100, "to": 500}

    four = staff_api.put("/api/v1/admin/distribution/settings", {"levels": 4})
    assert four.status_code == 400 and four.json()["code"] == "DIST_LEVELS_MAX"
    three = staff_api.put("/api/v1/admin/distribution/settings", {"levels": 3})
    assert three.json()["code"] == "DIST_LEVEL3_SWITCH"
    fee = staff_api.put("/api/v1/admin/distribution/settings", {"entry_fee_fen": 9900})
    assert fee.json()["code"] == "DIST_ENTRY_FEE_FORBIDDEN" and "入门费" in fee.json()["message"]
    cap = staff_api.put("/api/v1/admin/distribution/settings", {"cap_bps": 1200})
    assert cap.json()["code"] == "DIST_RATE_SUM_OVER_CAP"
    assert staff_api.get("/api/v1/admin/distribution/settings").json()["cap_bps"] == 3000

    on = staff_api.put("/api/v1/admin/distribution/settings", {"levels": 3, "level3_enabled": True})
    assert on.status_code == 200
    warnings = {w["code"]: w["message"] for w in on.json()["warnings"]}
    assert set(warnings) == {"DIST_LEVEL3_RISK", "DIST_RATE_SUM_HIGH"}
    assert "金牌" in warnings["DIST_RATE_SUM_HIGH"]  # 15% + 8% is above the 20% line


def test_tier_rates_must_fall_with_depth(staff_api):
    tier = Tier.objects.get(rank=0)
    flat = staff_api.put(f"/api/v1/admin/distribution/tiers/{tier.id}", {"level2_bps": 1000})
    assert flat.status_code == 400 and flat.json()["code"] == "DIST_INDIRECT_RATE_NOT_LOWER"
    raised = staff_api.put(f"/api/v1/admin/distribution/tiers/{tier.id}", {"level1_bps": 1500})
    assert raised.status_code == 200 and raised.json()["level1_bps"] == 1500
    created = staff_api.post(
        "/api/v1/admin/distribution/tiers", {"name": "钻石", "rank": 3, "level1_bps": 2000, "level2_bps": 900}
    )
    assert created.status_code == 201
    assert [t["name"] for t in staff_api.get("/api/v1/admin/distribution/tiers").json()][-1] == "钻石"


def test_product_override_follows_the_same_rules(staff_api):
    product = ProductFactory()
    url = f"/api/v1/admin/distribution/product-commissions/{product.id}"
    bad = staff_api.put(url, {"mode": "rate", "level1_bps": 500, "level2_bps": 800})
    assert bad.status_code == 400 and bad.json()["code"] == "DIST_INDIRECT_RATE_NOT_LOWER"
    ok = staff_api.put(url, {"mode": "fixed", "level1_fixed_fen": 300, "level2_fixed_fen": 100})
    assert ok.status_code == 200 and ok.json()["level1_fixed_fen"] == 300
    assert staff_api.delete(url).status_code == 204
    assert staff_api.get("/api/v1/admin/distribution/product-commissions").json() == []


def test_operator_suspends_and_resumes(staff_api):
    d = make_distributor("max")
    empty = staff_api.post(f"/api/v1/admin/distributors/{d.id}/suspend", {"reason": ""})
    assert empty.json()["code"] == "DIST_SUSPEND_REASON_REQUIRED"
    r = staff_api.post(f"/api/v1/admin/distributors/{d.id}/suspend", {"reason": "违规宣传"})
    assert r.json()["status"] == DistributorStatus.SUSPENDED and r.json()["phone"] == "138****8000"
    assert staff_api.post(f"/api/v1/admin/distributors/{d.id}/resume").json()["status"] == "active"
    listed = staff_api.get("/api/v1/admin/distributors", {"search": d.code}).json()
    assert [x["id"] for x in listed["items"]] == [d.id]


# -- sharing -----------------------------------------------------------------------------------------


def test_share_gives_link_code_and_a_cached_poster(db):
    from tests.catalog_factories import SkuFactory

    d = make_distributor("ned", real_name="聂小倩")
    sku = SkuFactory(price_fen=3_990)
    me = api_for(d.user)

    plain = me.get("/api/v1/distribution/share").json()
    assert plain["share_path"] == f"pages/index/index?ref={d.code}" and plain["poster_url"] is None
    assert plain["code_url"].endswith(".png")

    first = me.get("/api/v1/distribution/share", {"product_id": sku.product_id}).json()
    assert first["product_path"] == f"pages/product/detail?id={sku.product_id}&ref={d.code}"
    assert first["poster_url"].endswith(".png")
    again = me.get("/api/v1/distribution/share", {"product_id": sku.product_id}).json()
    assert again["poster_url"] == first["poster_url"]

    missing = me.get("/api/v1/distribution/share", {"product_id": 999_999})
    assert missing.status_code == 404 and missing.json()["code"] == "PRODUCT_NOT_FOUND"
    shopper = make_user("oli")
    assert api_for(shopper).get("/api/v1/distribution/share").json()["code"] == "NOT_A_DISTRIBUTOR"


def test_a_tier_in_use_or_the_last_one_cannot_be_deleted(staff_api):
    d = make_distributor("pam")
    used = staff_api.delete(f"/api/v1/admin/distribution/tiers/{d.tier_id}")
    assert used.status_code == 400 and used.json()["code"] == "DIST_TIER_IN_USE"
    spare = Tier.objects.exclude(pk=d.tier_id).order_by("rank")
    for tier in spare:
        assert staff_api.delete(f"/api/v1/admin/distribution/tiers/{tier.id}").status_code == 204
    d.delete()
    last = staff_api.delete(f"/api/v1/admin/distribution/tiers/{Tier.objects.get().id}")
    assert last.json()["code"] == "DIST_TIER_LAST"
    assert AuditEntry.objects.filter(action="distribution.tier_delete").count() == 2


def test_a_genuine_transfer_notification_posted_twice_pays_once(commit):
    """WeChat may deliver MCHTRANSFER.BILL.FINISHED again: verified, then it changes nothing."""
    from fenxiao.integrations.wechat.transfer.sandbox_controls import (
        sandbox_transfer_confirm,
        sandbox_transfer_notification,
    )
    from fenxiao.ledger.selectors import account_balance

    d = make_distributor("quin")
    ledger_post(
        kind="test_seed",
        reference="test:seed:quin",
        legs=[(ledger_accounts.available(d.id), 5_000), (ledger_accounts.COMMISSION_EXPENSE, -5_000)],
    )
    with commit():
        api_for(d.user).post("/api/v1/distribution/withdrawals", {"amount_fen": 5_000, "method": "wechat"})
    w = Withdrawal.objects.get()
    with commit():
        sandbox_transfer_confirm(w.out_bill_no)
    message = sandbox_transfer_notification(w.out_bill_no)
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in message.headers.items()}
    for _ in range(2):
        r = Api().client.post(
            "/api/v1/distribution/wechat/transfer-notify", message.body, content_type="application/json", **headers
        )
        assert r.status_code == 200 and r.json()["code"] == "SUCCESS"
    w.refresh_from_db()
    assert w.status == "paid" and account_balance(ledger_accounts.PAYOUT) == 5_000
    assert balances(d).withdrawing == 0

    tampered = message.body.replace(b'"ciphertext":"', b'"ciphertext":"A')
    bad = Api().client.post(
        "/api/v1/distribution/wechat/transfer-notify", tampered, content_type="application/json", **headers
    )
    assert bad.status_code == 401 and bad.json()["code"] == "FAIL"


def test_a_settings_edit_based_on_an_old_copy_is_refused(staff_api):
    loaded = staff_api.get("/api/v1/admin/distribution/settings").json()["updated_at"]
    first = staff_api.put("/api/v1/admin/distribution/settings", {"freeze_days": 9, "if_updated_at": loaded})
    assert first.status_code == 200

    stale = staff_api.put("/api/v1/admin/distribution/settings", {"withdraw_min_fen": 300, "if_updated_at": loaded})
    assert stale.status_code == 409 and stale.json()["code"] == "DIST_SETTINGS_CHANGED"
    now = staff_api.get("/api/v1/admin/distribution/settings").json()
    assert (now["freeze_days"], now["withdraw_min_fen"]) == (9, 100)
