"""Invitations under real concurrent transactions (PostgreSQL): ``order_completed`` delivered many
times at once issues one coupon each, a double-tapped acceptance makes one invitation, and two
friends completing at once never take an inviter past the cap."""

from __future__ import annotations

import pytest

from fenxiao.core import extensions
from fenxiao.promotions.invites import handlers
from fenxiao.promotions.invites.acceptance import invite_accept
from fenxiao.promotions.invites.errors import InviteConflict
from fenxiao.promotions.invites.models import Invite, InviteReward, InviteStatus
from fenxiao.promotions.invites.rewards import invite_sync_for_order
from fenxiao.promotions.models import CouponTemplate, UserCoupon
from tests.concurrency import run_together, run_together_ok
from tests.promotions.invites.support import (
    accept,
    code_of,
    complete,
    make_campaign,
    make_user,
    paid_order,
    ship_and_receive,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

EVENTS = ("order_paid", "order_line_refunded", "order_closed", "order_completed")


def completed_without_rewards(commit, buyer, sku_id):
    """A first order taken to completion with the invite handlers away, so the test can deliver
    ``order_completed`` itself."""
    for name in EVENTS:
        extensions.unsubscribe(name, handlers.on_order_event)
    try:
        return complete(commit, ship_and_receive(commit, paid_order(commit, buyer, sku_id)))
    finally:
        for name in EVENTS:
            extensions.subscribe(name, handlers.on_order_event)


def test_order_completed_delivered_ten_times_at_once_rewards_once(
    commit, inviter, newcomer, campaign, sku, inviter_template, invitee_template
):
    invite = accept(newcomer, inviter)
    order = completed_without_rewards(commit, newcomer, sku.id)

    run_together_ok(lambda i: invite_sync_for_order(order_id=order.pk), n=10)

    assert Invite.objects.get(pk=invite.pk).status == InviteStatus.REWARDED
    assert UserCoupon.objects.filter(user=inviter).count() == 1
    assert UserCoupon.objects.filter(user=newcomer).count() == 1
    assert InviteReward.objects.count() == 2
    assert [CouponTemplate.objects.get(pk=t.pk).claimed_count for t in (inviter_template, invitee_template)] == [1, 1]


def test_one_new_user_accepting_five_codes_at_once_gets_one_invitation(newcomer, campaign):
    inviters = [make_user(f"invite-race-{i}") for i in range(5)]
    codes = [code_of(u) for u in inviters]

    results = run_together(lambda i: invite_accept(user=newcomer, code=codes[i]), n=5)

    won = [r for r in results if isinstance(r, Invite)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert (len(won), len(lost)) == (1, 4), lost
    assert all(isinstance(e, InviteConflict) and e.code == "INVITE_ALREADY_ACCEPTED" for e in lost), lost
    assert Invite.objects.filter(invitee=newcomer).count() == 1


def test_two_users_accepting_each_others_code_at_once_make_one_invitation(campaign):
    a, b = make_user("invite-mutual-a"), make_user("invite-mutual-b")
    pairs = [(a, code_of(b)), (b, code_of(a))]

    results = run_together(lambda i: invite_accept(user=pairs[i][0], code=pairs[i][1]), n=2)

    assert sum(isinstance(r, Invite) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, BaseException)] == ["INVITE_MUTUAL"]
    assert Invite.objects.count() == 1


def test_friends_completing_at_once_never_pass_the_inviters_cap(
    commit, inviter, sku, inviter_template, invitee_template
):
    make_campaign(inviter_template=inviter_template, invitee_template=invitee_template, max_rewards_per_inviter=2)
    friends = [make_user(f"invite-capped-{i}") for i in range(6)]
    for friend in friends:
        accept(friend, inviter)
    orders = [completed_without_rewards(commit, friend, sku.id) for friend in friends]

    run_together_ok(lambda i: invite_sync_for_order(order_id=orders[i].pk), n=6)

    assert UserCoupon.objects.filter(user=inviter).count() == 2
    assert UserCoupon.objects.filter(user__in=friends).count() == 6
    assert Invite.objects.filter(status=InviteStatus.REWARDED, inviter_capped=True).count() == 4
