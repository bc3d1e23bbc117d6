"""The operator's invite campaigns: create (and schedule) with validation, list, detail, update,
pause and resume, the report with its K-factor, and the invitations with full contact details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.promotions.invites.models import InviteCampaign
from tests.promotions.coupons.support import make_template
from tests.promotions.invites.conftest import api_for
from tests.promotions.invites.support import accept, complete, make_user, paid_order, reward_template, ship_and_receive
from tests.support import Api

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/invite-campaigns"


def body_for(inviter_template, invitee_template, **overrides) -> dict:
    start = timezone.now() + timedelta(days=1)
    return {
        "name": "618 邀请有礼",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=10)).isoformat(),
        "inviter_template_id": inviter_template.pk,
        "invitee_template_id": invitee_template.pk,
        "max_rewards_per_inviter": 10,
        "order_within_days": 14,
        "min_order_fen": 9_900,
        **overrides,
    }


def test_schedule_list_detail_pause_and_resume(staff_api, inviter_template, invitee_template):
    res = staff_api.post(URL, body_for(inviter_template, invitee_template))
    assert res.status_code == 201, res.json()
    created = res.json()
    assert (created["state"], created["state_label"], created["status"]) == ("scheduled", "未开始", "active")
    assert (created["inviter_reward"]["label"], created["invitee_reward"]["name"]) == (
        "满100减20",
        "新人奖励 无门槛10元",
    )
    assert (created["max_rewards_per_inviter"], created["accept_within_hours"], created["min_order_fen"]) == (
        10,
        72,
        9_900,
    )
    assert created["stats"]["invites"] == 0 and created["stats"]["k_factor"] == "0.00"

    listed = staff_api.get(URL).json()
    assert (listed["count"], [c["id"] for c in listed["items"]]) == (1, [created["id"]])
    assert staff_api.get(f"{URL}/{created['id']}").json()["name"] == "618 邀请有礼"

    paused = staff_api.post(f"{URL}/{created['id']}/pause").json()
    assert (paused["status"], paused["state"]) == ("paused", "paused")
    assert staff_api.get(URL, {"status": "active"}).json()["count"] == 0
    assert staff_api.post(f"{URL}/{created['id']}/resume").json()["status"] == "active"


def test_create_refuses_every_broken_rule_at_once(staff_api, inviter_template):
    dated = make_template(
        name="固定有效期券", valid_days_after_claim=None, valid_until=timezone.now() + timedelta(days=5)
    )
    start = timezone.now()
    res = staff_api.post(
        URL,
        body_for(
            dated,
            inviter_template,
            invitee_template_id=999_999,
            ends_at=(start - timedelta(days=1)).isoformat(),
            starts_at=start.isoformat(),
        ),
    )
    assert res.status_code == 400
    assert res.json()["code"] == "INVITE_CAMPAIGN_INVALID"
    message = res.json()["message"]
    for part in ("结束时间必须晚于开始时间", "邀请人奖励券须使用“领取后有效天数”", "新用户奖励券不存在"):
        assert part in message
    assert not InviteCampaign.objects.exists()

    res = staff_api.post(URL, body_for(inviter_template, inviter_template, max_rewards_per_inviter=0))
    assert (res.status_code, res.json()["code"]) == (422, "VALIDATION_ERROR")


def test_two_active_campaigns_may_not_overlap(staff_api, campaign, inviter_template, invitee_template):
    res = staff_api.post(URL, body_for(inviter_template, invitee_template))
    assert (res.status_code, res.json()["code"]) == (409, "INVITE_CAMPAIGN_OVERLAP")
    assert "邀请有礼" in res.json()["message"]

    # Created paused it may be prepared, but not resumed while the other runs.
    res = staff_api.post(URL, body_for(inviter_template, invitee_template, status="paused"))
    assert res.status_code == 201
    res = staff_api.post(f"{URL}/{res.json()['id']}/resume")
    assert (res.status_code, res.json()["code"]) == (409, "INVITE_CAMPAIGN_OVERLAP")


def test_rules_are_locked_once_someone_accepted(staff_api, campaign, inviter, newcomer, invitee_template):
    accept(newcomer, inviter)
    other = reward_template("另一张券")
    res = staff_api.patch(f"{URL}/{campaign.pk}", {"invitee_template_id": other.pk, "min_order_fen": 1})
    assert (res.status_code, res.json()["code"]) == (409, "INVITE_CAMPAIGN_RULES_LOCKED")
    assert "新用户奖励券" in res.json()["message"] and "首单最低实付" in res.json()["message"]

    later = campaign.ends_at + timedelta(days=5)
    res = staff_api.patch(
        f"{URL}/{campaign.pk}", {"name": "邀请有礼（延长）", "ends_at": later.isoformat(), "max_rewards_per_inviter": 3}
    )
    assert res.status_code == 200, res.json()
    assert (res.json()["name"], res.json()["max_rewards_per_inviter"]) == ("邀请有礼（延长）", 3)
    res = staff_api.patch(f"{URL}/{campaign.pk}", {"max_rewards_per_inviter": None})
    assert res.json()["max_rewards_per_inviter"] is None
    campaign.refresh_from_db()
    assert (campaign.ends_at, campaign.invitee_template_id) == (later, invitee_template.pk)


def test_report_and_invitations_in_full(commit, staff_api, campaign, inviter, newcomer, sku):
    accept(newcomer, inviter)
    waiting = make_user("invite-waiting", nickname="等等", phone="13600003333")
    accept(waiting, inviter)
    complete(commit, ship_and_receive(commit, paid_order(commit, newcomer, sku.id)))

    report = staff_api.get(f"{URL}/{campaign.pk}/report").json()
    assert (report["campaign_id"], report["state"]) == (campaign.pk, "running")
    assert (report["invites"], report["sign_ups"], report["first_orders"], report["rewarded"]) == (2, 2, 1, 1)
    assert (report["inviters"], report["k_factor_bps"], report["k_factor"]) == (1, 10_000, "1.00")
    assert (report["inviter_coupons"], report["invitee_coupons"]) == (1, 1)

    page = staff_api.get(f"{URL}/{campaign.pk}/invites", {"status": "rewarded"}).json()
    assert page["count"] == 1
    (row,) = page["items"]
    assert (row["invitee"]["name"], row["invitee"]["phone"], row["inviter"]["phone"]) == (
        "新人小美",
        "13700002222",
        "13900001111",
    )
    assert {r["role"] for r in row["rewards"]} == {"inviter", "invitee"}
    assert row["first_order_no"]
    assert staff_api.get(f"{URL}/{campaign.pk}/invites").json()["count"] == 2


def test_unknown_campaign_and_who_may_call(staff_api, campaign, inviter):
    for path in (f"{URL}/999999", f"{URL}/999999/report", f"{URL}/999999/invites"):
        res = staff_api.get(path)
        assert (res.status_code, res.json()["code"]) == (404, "INVITE_CAMPAIGN_NOT_FOUND")
    assert Api().get(URL).status_code == 401
    res = api_for(inviter).post(f"{URL}/{campaign.pk}/pause")
    assert (res.status_code, res.json()["code"]) == (403, "STAFF_ONLY")
    campaign.refresh_from_db()
    assert campaign.status == "active"
