"""Accepting an invitation: only a new user, only once, never one's own or a mutual code, only
while a campaign runs; every refusal has its stable code."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.promotions.invites.acceptance import invite_accept
from fenxiao.promotions.invites.campaigns import invite_campaign_pause
from fenxiao.promotions.invites.models import Invite, InviteCode, InviteStatus
from tests.promotions.invites.support import accept, code_of, make_campaign, make_user, paid_order

pytestmark = pytest.mark.django_db


def refused(fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        fn(*args, **kwargs)
    return err.value


def test_a_new_user_accepts_and_the_invitation_waits_for_a_first_order(inviter, newcomer, campaign):
    now = timezone.now()
    invite = accept(newcomer, inviter, now=now)

    assert (invite.campaign_id, invite.inviter_id, invite.invitee_id) == (campaign.pk, inviter.pk, newcomer.pk)
    assert (invite.status, invite.code, invite.first_order_id) == (InviteStatus.ACCEPTED, code_of(inviter), None)
    assert invite.order_deadline == now + timedelta(days=30)
    # The new user can invite others straight away.
    assert InviteCode.objects.filter(user=newcomer).exists()


def test_the_code_is_read_as_typed_by_hand(inviter, newcomer, campaign):
    invite = invite_accept(user=newcomer, code=f"  {code_of(inviter).lower()} ")
    assert invite.inviter_id == inviter.pk


def test_unknown_code_and_code_of_a_disabled_user_are_not_found(inviter, newcomer, campaign):
    err = refused(invite_accept, user=newcomer, code="NOSUCH22")
    assert (err.status, err.code, err.message) == (404, "INVITE_CODE_NOT_FOUND", "邀请码无效")

    code = code_of(inviter)
    inviter.is_active = False
    inviter.save()
    assert refused(invite_accept, user=newcomer, code=code).code == "INVITE_CODE_NOT_FOUND"
    assert not Invite.objects.exists()


def test_own_code_is_refused(newcomer, campaign):
    err = refused(accept, newcomer, newcomer)
    assert (err.status, err.code, err.message) == (400, "INVITE_SELF", "不能接受自己的邀请")


def test_a_user_accepts_only_once(inviter, newcomer, campaign):
    accept(newcomer, inviter)
    other = make_user("invite-other")

    err = refused(accept, newcomer, other)
    assert (err.status, err.code) == (409, "INVITE_ALREADY_ACCEPTED")
    assert Invite.objects.get(invitee=newcomer).inviter_id == inviter.pk


def test_two_users_cannot_invite_each_other(newcomer, campaign):
    friend = make_user("invite-friend")
    accept(friend, newcomer)

    err = refused(accept, newcomer, friend)
    assert (err.status, err.code) == (400, "INVITE_MUTUAL")
    assert Invite.objects.count() == 1


def test_a_user_who_already_paid_an_order_is_not_new(commit, inviter, newcomer, campaign, sku):
    paid_order(commit, newcomer, sku.id)
    err = refused(accept, newcomer, inviter)
    assert (err.status, err.code, err.message) == (409, "INVITE_NOT_NEW_USER", "您已在商城下过单，邀请奖励仅限新用户")


def test_an_unpaid_order_does_not_make_a_user_old(inviter, newcomer, campaign, sku):
    from tests.order_support import place_order

    place_order(newcomer, (sku.id, 1))
    assert accept(newcomer, inviter).status == InviteStatus.ACCEPTED


def test_a_user_registered_before_the_campaign_is_not_new(inviter, campaign):
    with time_machine.travel(campaign.starts_at - timedelta(minutes=5)):
        old_friend = make_user("invite-old-friend")
    err = refused(accept, old_friend, inviter)
    assert (err.code, err.message) == ("INVITE_NOT_NEW_USER", "您在活动开始前已注册，邀请奖励仅限新用户")


def test_accepting_is_allowed_only_within_the_hours_after_registering(inviter, newcomer, campaign):
    late = newcomer.created_at + timedelta(hours=72, seconds=1)
    err = refused(accept, newcomer, inviter, now=late)
    assert (err.code, err.message) == ("INVITE_NOT_NEW_USER", "注册超过 72 小时后不能再接受邀请")
    on_time = newcomer.created_at + timedelta(hours=72)
    assert accept(newcomer, inviter, now=on_time).status == InviteStatus.ACCEPTED


def test_paused_ended_and_missing_campaigns_refuse(inviter, newcomer, campaign):
    invite_campaign_pause(campaign_id=campaign.pk)
    err = refused(accept, newcomer, inviter)
    assert (err.status, err.code, err.message) == (409, "INVITE_CAMPAIGN_PAUSED", "邀请活动已暂停")

    with time_machine.travel(campaign.ends_at + timedelta(minutes=1)):
        assert refused(accept, newcomer, inviter).code == "INVITE_CAMPAIGN_ENDED"
    assert not Invite.objects.exists()


def test_no_campaign_at_all(inviter, inviter_template, invitee_template):
    later = timezone.now() + timedelta(days=2)
    make_campaign(
        inviter_template=inviter_template,
        invitee_template=invitee_template,
        starts_at=later,
        ends_at=later + timedelta(days=1),
    )
    newcomer = make_user("invite-early")
    err = refused(accept, newcomer, inviter)
    assert (err.status, err.code, err.message) == (409, "INVITE_NO_CAMPAIGN", "当前没有进行中的邀请活动")
