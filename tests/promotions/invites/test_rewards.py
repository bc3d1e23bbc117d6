"""The reward lifecycle through real order events: the first paid order makes the reward pending,
completion past the after-sales window issues both coupons exactly once, replays and the repair
sweep add nothing, and the campaign's rules (minimum, cap, deadline, stock) hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.core import extensions
from fenxiao.promotions.coupons.templates import coupon_template_pause, coupon_template_update
from fenxiao.promotions.invites import handlers
from fenxiao.promotions.invites.models import Invite, InviteReward, InviteStatus, RevokeReason
from fenxiao.promotions.invites.rewards import invite_sync, sweep_invites
from fenxiao.promotions.models import CouponTemplate, UserCoupon
from tests.catalog_factories import SkuFactory
from tests.promotions.coupons.support import claim
from tests.promotions.invites.support import (
    accept,
    after_sales_over,
    complete,
    fresh,
    make_campaign,
    make_user,
    paid_order,
    ship_and_receive,
)

pytestmark = pytest.mark.django_db

EVENTS = ("order_paid", "order_line_refunded", "order_closed", "order_completed")


def coupons_of(user) -> list[tuple[str, int]]:
    return list(UserCoupon.objects.filter(user=user).order_by("id").values_list("template__name", "claim_no"))


def test_a_first_order_past_the_after_sales_window_rewards_both_once(
    commit, inviter, newcomer, campaign, sku, inviter_template, invitee_template
):
    invite = accept(newcomer, inviter)

    order = paid_order(commit, newcomer, sku.id)
    invite = fresh(invite)
    assert (invite.status, invite.first_order_id, invite.ordered_at) == (InviteStatus.ORDERED, order.pk, order.paid_at)
    assert not UserCoupon.objects.exists()  # nothing before the after-sales window is over

    ship_and_receive(commit, order)
    assert fresh(invite).status == InviteStatus.ORDERED

    complete(commit, order)
    invite = fresh(invite)
    assert invite.status == InviteStatus.REWARDED and not invite.inviter_capped
    assert coupons_of(inviter) == [("邀请奖励 满100减20", 1)]
    assert coupons_of(newcomer) == [("新人奖励 无门槛10元", 1)]
    given = UserCoupon.objects.get(user=newcomer)
    assert given.expires_at - given.claimed_at == timedelta(days=30)
    assert given.status == "unused"
    assert [CouponTemplate.objects.get(pk=t.pk).claimed_count for t in (inviter_template, invitee_template)] == [1, 1]

    # order_completed delivered again, every other event replayed, the sweep: nothing more.
    for name in EVENTS:
        extensions.deliver(name, order_id=order.pk)
    assert sweep_invites(now=after_sales_over(order)) == 0
    assert UserCoupon.objects.count() == 2 == InviteReward.objects.count()
    assert fresh(invite).rewarded_at == invite.rewarded_at


def test_only_the_first_paid_order_counts(commit, inviter, newcomer, campaign, sku):
    invite = accept(newcomer, inviter)
    first = paid_order(commit, newcomer, sku.id)
    second = paid_order(commit, newcomer, sku.id)
    assert fresh(invite).first_order_id == first.pk

    complete(commit, ship_and_receive(commit, second))
    assert fresh(invite).status == InviteStatus.ORDERED
    assert not UserCoupon.objects.exists()


def test_a_first_order_below_the_minimum_is_revoked_at_once(commit, inviter, newcomer, campaign):
    cheap = SkuFactory(price_fen=4_999, stock=10)
    invite = accept(newcomer, inviter)
    paid_order(commit, newcomer, cheap.id)
    invite = fresh(invite)
    assert (invite.status, invite.revoke_reason) == (InviteStatus.REVOKED, RevokeReason.BELOW_MINIMUM)
    # A bigger second order does not bring it back: the reward was for the first.
    paid_order(commit, newcomer, cheap.id, quantity=3)
    assert fresh(invite).status == InviteStatus.REVOKED


def test_rewards_ignore_the_template_pause_and_per_user_limit_but_not_its_stock(
    commit, inviter, newcomer, campaign, sku, invitee_template
):
    claim(newcomer, invitee_template)  # the new user already holds one of the limit of 1
    coupon_template_pause(template_id=invitee_template.pk)
    coupon_template_update(template_id=invitee_template.pk, fields={"total_quantity": 1})
    invite = accept(newcomer, inviter)
    order = complete(commit, ship_and_receive(commit, paid_order(commit, newcomer, sku.id)))

    # Sold out: neither coupon is issued and the reward stays pending.
    assert fresh(invite).status == InviteStatus.ORDERED
    assert coupons_of(inviter) == [] and coupons_of(newcomer) == [("新人奖励 无门槛10元", 1)]

    coupon_template_update(template_id=invitee_template.pk, fields={"total_quantity": 2})
    assert sweep_invites(now=timezone.now()) == 1
    assert fresh(invite).status == InviteStatus.REWARDED
    assert coupons_of(newcomer) == [("新人奖励 无门槛10元", 1), ("新人奖励 无门槛10元", 2)]
    assert len(coupons_of(inviter)) == 1
    assert CouponTemplate.objects.get(pk=invitee_template.pk).claimed_count == 2
    assert order.status == "completed"


def test_past_the_cap_only_the_new_user_is_rewarded(commit, inviter, sku, inviter_template, invitee_template):
    make_campaign(inviter_template=inviter_template, invitee_template=invitee_template, max_rewards_per_inviter=1)
    friends = [make_user(f"invite-cap-{i}") for i in range(2)]
    invites = [accept(friend, inviter) for friend in friends]
    for friend in friends:
        complete(commit, ship_and_receive(commit, paid_order(commit, friend, sku.id)))

    first, second = (fresh(i) for i in invites)
    assert (first.status, first.inviter_capped) == (InviteStatus.REWARDED, False)
    assert (second.status, second.inviter_capped) == (InviteStatus.REWARDED, True)
    assert len(coupons_of(inviter)) == 1
    assert [len(coupons_of(friend)) for friend in friends] == [1, 1]


def test_the_sweep_repairs_lost_events(commit, inviter, newcomer, campaign, sku):
    invite = accept(newcomer, inviter)
    for name in EVENTS:
        extensions.unsubscribe(name, handlers.on_order_event)
    try:
        order = complete(commit, ship_and_receive(commit, paid_order(commit, newcomer, sku.id)))
    finally:
        for name in EVENTS:
            extensions.subscribe(name, handlers.on_order_event)
    assert fresh(invite).status == InviteStatus.ACCEPTED

    assert sweep_invites(now=timezone.now()) == 1
    invite = fresh(invite)
    assert (invite.status, invite.first_order_id) == (InviteStatus.REWARDED, order.pk)
    assert UserCoupon.objects.count() == 2
    assert sweep_invites(now=timezone.now()) == 0


def test_no_first_order_in_time_expires(commit, inviter, newcomer, campaign, sku):
    invite = accept(newcomer, inviter)
    assert sweep_invites(now=invite.order_deadline - timedelta(seconds=1)) == 0
    assert sweep_invites(now=invite.order_deadline) == 1
    invite = fresh(invite)
    assert (invite.status, invite.expired_at) == (InviteStatus.EXPIRED, invite.order_deadline)

    paid_order(commit, newcomer, sku.id)
    assert fresh(invite).status == InviteStatus.EXPIRED


def test_a_first_order_paid_after_the_deadline_expires(commit, inviter, newcomer, campaign, sku):
    invite = accept(newcomer, inviter)
    extensions.unsubscribe("order_paid", handlers.on_order_event)
    try:
        order = paid_order(commit, newcomer, sku.id)
    finally:
        extensions.subscribe("order_paid", handlers.on_order_event)
    Invite.objects.filter(pk=invite.pk).update(order_deadline=order.paid_at - timedelta(seconds=1))

    invite = invite_sync(invite_id=invite.pk)
    assert (invite.status, invite.first_order_id) == (InviteStatus.EXPIRED, order.pk)


def test_an_order_paid_while_the_acceptance_was_checked_is_not_a_new_users(commit, inviter, newcomer, campaign, sku):
    """The acceptance read "no paid order" just before a payment committed: the row exists, but
    the first order predates it, so the user was not new and nothing is ever issued."""
    order = paid_order(commit, newcomer, sku.id)
    invite = Invite.objects.create(
        campaign=campaign,
        inviter=inviter,
        invitee=newcomer,
        code="RACE2345",
        accepted_at=order.paid_at + timedelta(milliseconds=5),
        order_deadline=order.paid_at + timedelta(days=30),
    )
    complete(commit, ship_and_receive(commit, order))
    invite = fresh(invite)
    assert (invite.status, invite.revoke_reason) == (InviteStatus.REVOKED, RevokeReason.PAID_BEFORE_ACCEPT)
    assert not UserCoupon.objects.exists()
