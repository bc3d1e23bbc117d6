"""The shopper's invitations through the API: my code and share path, accepting a friend's code,
the friends I invited (masked) and what each of us earned. A user only ever sees their own."""

from __future__ import annotations

import pytest

from fenxiao.promotions.invites.models import Invite, InviteCode
from fenxiao.promotions.models import UserCoupon
from tests.promotions.invites.conftest import api_for
from tests.promotions.invites.support import accept, code_of, complete, make_user, paid_order, ship_and_receive
from tests.support import Api

pytestmark = pytest.mark.django_db

ME = "/api/v1/invites/me"
ACCEPT = "/api/v1/invites/accept"


def test_my_code_share_path_and_the_running_campaign(inviter, campaign):
    res = api_for(inviter).get(ME)
    assert res.status_code == 200, res.json()
    body = res.json()
    code = InviteCode.objects.get(user=inviter).code
    assert (body["code"], body["share_path"]) == (code, f"pages/index/index?invite={code}")
    assert body["campaign"]["id"] == campaign.pk
    assert (body["campaign"]["inviter_reward"]["label"], body["campaign"]["invitee_reward"]["label"]) == (
        "满100减20",
        "无门槛减10",
    )
    assert body["campaign"]["min_order_fen"] == 5_000
    assert (body["summary"], body["invitees"], body["invited_by"]) == (
        {"invited": 0, "ordered": 0, "rewarded": 0},
        [],
        None,
    )
    # The code is made once.
    assert api_for(inviter).get(ME).json()["code"] == code


def test_accept_then_both_sides_see_it_masked(inviter, newcomer, campaign):
    res = api_for(newcomer).post(ACCEPT, {"code": code_of(inviter)})
    assert res.status_code == 201, res.json()
    assert res.json()["invited_by"]["inviter_name"] == "阿*"
    assert res.json()["invited_by"]["reward"] == {
        "status": "waiting",
        "label": "完成首单后可获得奖励",
        "user_coupon_id": None,
    }

    mine = api_for(inviter).get(ME).json()
    (friend,) = mine["invitees"]
    assert (friend["name"], friend["phone"], friend["status"]) == ("新***", "137****2222", "accepted")
    assert friend["reward"]["status"] == "waiting"
    assert mine["summary"] == {"invited": 1, "ordered": 0, "rewarded": 0}

    theirs = api_for(newcomer).get(ME).json()
    assert (theirs["invited_by"]["inviter_name"], theirs["invited_by"]["campaign_name"]) == ("阿*", "邀请有礼")
    assert theirs["invitees"] == []


def test_rewards_show_with_the_coupon_each_got(commit, inviter, newcomer, campaign, sku):
    accept(newcomer, inviter)
    order = paid_order(commit, newcomer, sku.id)
    assert api_for(inviter).get(ME).json()["invitees"][0]["reward"]["status"] == "pending"

    complete(commit, ship_and_receive(commit, order))
    friend = api_for(inviter).get(ME).json()["invitees"][0]
    assert (friend["status"], friend["reward"]["status"]) == ("rewarded", "issued")
    assert friend["reward"]["user_coupon_id"] == UserCoupon.objects.get(user=inviter).pk
    mine = api_for(newcomer).get(ME).json()["invited_by"]["reward"]
    assert (mine["status"], mine["user_coupon_id"]) == ("issued", UserCoupon.objects.get(user=newcomer).pk)
    assert api_for(inviter).get(ME).json()["summary"] == {"invited": 1, "ordered": 1, "rewarded": 1}
    # The coupon is in the shopper's own coupon list, ready to use.
    coupons = api_for(newcomer).get("/api/v1/coupons/mine").json()
    assert [c["template"]["name"] for c in coupons] == ["新人奖励 无门槛10元"]


@pytest.mark.parametrize(
    ("who", "code", "status", "error"),
    [
        ("newcomer", "NOSUCH22", 404, "INVITE_CODE_NOT_FOUND"),
        ("newcomer", "own", 400, "INVITE_SELF"),
        ("inviter", "friend", 409, "INVITE_NOT_NEW_USER"),
    ],
)
def test_accept_refusals(commit, inviter, newcomer, campaign, sku, who, code, status, error):
    paid_order(commit, inviter, sku.id)
    user = {"inviter": inviter, "newcomer": newcomer}[who]
    code = {"own": code_of(user), "friend": code_of(newcomer)}.get(code, code)
    res = api_for(user).post(ACCEPT, {"code": code})
    assert (res.status_code, res.json()["code"]) == (status, error)
    assert res.json()["message"]
    assert not Invite.objects.exists()


def test_accepting_twice_is_a_conflict(inviter, newcomer, campaign):
    assert api_for(newcomer).post(ACCEPT, {"code": code_of(inviter)}).status_code == 201
    res = api_for(newcomer).post(ACCEPT, {"code": code_of(make_user("invite-b"))})
    assert (res.status_code, res.json()["code"], res.json()["message"]) == (
        409,
        "INVITE_ALREADY_ACCEPTED",
        "您已接受过好友的邀请",
    )


def test_bad_input_and_no_login(campaign):
    assert Api().get(ME).status_code == 401
    assert Api().post(ACCEPT, {"code": "ABCD2345"}).status_code == 401
    user = make_user("invite-blank")
    res = api_for(user).post(ACCEPT, {"code": "   "})
    assert (res.status_code, res.json()["code"]) == (422, "VALIDATION_ERROR")


def test_a_user_sees_only_their_own_invitees(inviter, campaign):
    friends = [make_user(f"invite-page-{i}", nickname=f"朋友{i}") for i in range(3)]
    for friend in friends:
        accept(friend, inviter)
    stranger = make_user("invite-stranger")

    assert api_for(stranger).get(ME).json()["invitees"] == []
    assert api_for(stranger).get(f"{ME}/invitees").json()["count"] == 0

    page = api_for(inviter).get(f"{ME}/invitees", {"page": 2, "page_size": 2}).json()
    assert (page["count"], page["page"], [f["name"] for f in page["items"]]) == (3, 2, ["朋**"])
