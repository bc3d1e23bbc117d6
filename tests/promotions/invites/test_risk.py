"""Invitations and risk (issue 19 §1): a blacklisted person cannot accept an invitation nor receive
an invite reward; many invitees of one inviter on one device open an invite-abuse case."""

from __future__ import annotations

from fenxiao.core.client_context import ClientContext, reset_current_client, set_current_client
from fenxiao.promotions.invites.models import InviteReward, InviteStatus, RewardRole
from fenxiao.risk.blacklist.services import blacklist_add
from fenxiao.risk.models import CaseKind, RiskCase
from tests.catalog_factories import SkuFactory
from tests.promotions.invites.support import accept, complete, fresh, make_user, paid_order, ship_and_receive
from tests.support import assert_error

from .conftest import api_for


def test_a_blacklisted_newcomer_cannot_accept(commit, inviter, newcomer):
    blacklist_add(kind="phone", value=newcomer.phone, actor_id=None)
    response = api_for(newcomer).post("/api/v1/invites/accept", {"code": _code(inviter)})
    assert_error(response, 403, "RISK_BLACKLISTED_INVITE")


def _code(user) -> str:
    from tests.promotions.invites.support import code_of

    return code_of(user)


def test_a_blacklisted_inviter_receives_no_reward_the_newcomer_still_does(commit, inviter, newcomer, campaign):
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
    invite = accept(newcomer, inviter)
    order = paid_order(commit, newcomer, sku.id)
    ship_and_receive(commit, order)
    blacklist_add(kind="phone", value=inviter.phone, actor_id=None)
    complete(commit, order)
    assert fresh(invite).status == InviteStatus.REWARDED
    assert list(InviteReward.objects.values_list("role", flat=True)) == [RewardRole.INVITEE]


def test_invitees_on_one_device_open_an_invite_abuse_case(commit, inviter, campaign):
    token = set_current_client(ClientContext(device_id="farm-phone-0001", ip="203.0.113.5"))
    try:
        for i in range(3):
            with commit():
                accept(make_user(f"farm{i}"), inviter)
    finally:
        reset_current_client(token)
    case = RiskCase.objects.get(kind=CaseKind.INVITE_ABUSE)
    assert case.subject_user_id == inviter.id
    assert case.evidence["signals"][-1]["shared_kind"] == "device"
    assert len(case.evidence["signals"][-1]["invitee_ids"]) == 3
