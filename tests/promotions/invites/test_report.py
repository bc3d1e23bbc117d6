"""The campaign report: invites, sign-ups, first orders, rewarded, revoked, and the K-factor
(new paying users per inviting user) from real invitations and orders."""

from __future__ import annotations

import pytest

from fenxiao.promotions.invites.selectors import campaign_get, campaign_report
from tests.catalog_factories import SkuFactory
from tests.promotions.invites.support import accept, complete, make_user, paid_order, ship_and_receive

pytestmark = pytest.mark.django_db


def test_report_numbers_and_k_factor(commit, inviter, campaign, sku):
    other_inviter = make_user("invite-second")
    rewarded, too_small, waiting, pending = (make_user(f"invite-r{i}") for i in range(4))
    for friend in (rewarded, too_small, waiting):
        accept(friend, inviter)
    accept(pending, other_inviter)

    complete(commit, ship_and_receive(commit, paid_order(commit, rewarded, sku.id)))
    paid_order(commit, too_small, SkuFactory(price_fen=1_000, stock=5).id)  # under the ¥50 minimum
    paid_order(commit, pending, sku.id)

    report = campaign_report(campaign=campaign_get(campaign_id=campaign.pk))
    assert report == {
        "invites": 4,
        "sign_ups": 4,
        "first_orders": 3,  # rewarded, too_small (it was paid, then revoked) and pending
        "awaiting_first_order": 1,
        "pending_rewards": 1,
        "rewarded": 1,
        "revoked": 1,
        "expired": 0,
        "inviter_capped": 0,
        "inviters": 2,
        "k_factor_bps": 15_000,
        "k_factor": "1.50",
        "inviter_coupons": 1,
        "invitee_coupons": 1,
        "reward_coupons_used": 0,
    }


def test_an_empty_campaign_reports_zeros(campaign):
    report = campaign_report(campaign=campaign_get(campaign_id=campaign.pk))
    assert (report["invites"], report["inviters"], report["k_factor_bps"], report["k_factor"]) == (0, 0, 0, "0.00")
