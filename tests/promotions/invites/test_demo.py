"""The demo invite campaign: made through the real services, erin's first order pending its
reward, and nothing made twice."""

from __future__ import annotations

import pytest

from fenxiao.demo.invites import seed_demo_invites
from fenxiao.promotions.invites.models import Invite, InviteCampaign, InviteStatus
from fenxiao.promotions.models import CouponTemplate
from tests.promotions.invites.support import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_makes_a_running_campaign_with_a_pending_first_order(sku):
    alice = make_user("sandbox-alice", nickname="小艾同学")

    result = seed_demo_invites()

    assert (result.campaigns, result.invites) == (1, 1)
    campaign = InviteCampaign.objects.get()
    assert (campaign.min_order_fen, campaign.max_rewards_per_inviter) == (5_000, 20)
    invite = Invite.objects.get()
    assert (invite.inviter_id, invite.invitee.openid, invite.status) == (alice.pk, "sandbox-erin", InviteStatus.ORDERED)
    assert invite.first_order.paid_fen == sku.price_fen
    # Reward coupons are handed out by the campaign, not offered in the coupon centre.
    assert set(CouponTemplate.objects.values_list("public", flat=True)) == {False}

    assert seed_demo_invites() == type(result)()
    assert Invite.objects.count() == 1
