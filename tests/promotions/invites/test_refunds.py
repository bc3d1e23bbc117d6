"""Refunds before the after-sales window ends, through the real after-sales flow: paid in the
WeChat Pay sandbox, refunded, ``order_line_refunded`` / ``order_closed`` delivered after commit.

A full refund revokes the pending reward; a partial one keeps it while the goods still paid for
reach the campaign's minimum, and revokes it at once when they no longer do."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.core import extensions
from fenxiao.orders.aftersales.review import aftersale_approve
from fenxiao.orders.models import OrderStatus
from fenxiao.promotions.invites.models import InviteStatus, RevokeReason
from fenxiao.promotions.invites.rewards import sweep_invites
from fenxiao.promotions.models import UserCoupon
from tests.order_support import place_order
from tests.orders.aftersales.support import ask, fixture_aftersale_sandbox, lines_of, pay  # noqa: F401
from tests.promotions.invites.support import accept, after_sales_over, complete, fresh, ship_and_receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def auditor(db) -> User:
    return User.objects.create(username="invite-refund-operator", is_staff=True)


def test_a_full_refund_before_completion_revokes_for_good(commit, inviter, newcomer, campaign, sku, auditor):
    invite = accept(newcomer, inviter)
    order = pay(place_order(newcomer, (sku.id, 2)))
    assert fresh(invite).status == InviteStatus.ORDERED
    (line,) = lines_of(order)

    aftersale_approve(after_sale_id=ask(order, (line, 2)).id, by=auditor)
    order.refresh_from_db()
    invite = fresh(invite)
    assert order.status == OrderStatus.CLOSED
    assert (invite.status, invite.revoke_reason) == (InviteStatus.REVOKED, RevokeReason.REFUNDED)

    for name in ("order_closed", "order_completed", "order_paid"):
        extensions.deliver(name, order_id=order.pk)
    assert sweep_invites(now=order.closed_at) == 0
    assert not UserCoupon.objects.exists()
    assert fresh(invite).status == InviteStatus.REVOKED


def test_a_partial_refund_above_the_minimum_keeps_the_reward(commit, inviter, newcomer, campaign, sku, auditor):
    invite = accept(newcomer, inviter)
    order = pay(place_order(newcomer, (sku.id, 2)))  # ¥200.00 of goods, the minimum is ¥50.00
    (line,) = lines_of(order)

    aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=auditor)
    line.refresh_from_db()
    assert (line.paid_fen - line.refunded_fen, fresh(invite).status) == (10_000, InviteStatus.ORDERED)

    order = complete(commit, ship_and_receive(commit, order))
    assert order.status == OrderStatus.COMPLETED
    assert fresh(invite).status == InviteStatus.REWARDED
    assert UserCoupon.objects.filter(user__in=[inviter, newcomer]).count() == 2
    assert sweep_invites(now=after_sales_over(order)) == 0


def test_a_partial_refund_below_the_minimum_revokes_at_once(commit, inviter, newcomer, sku, auditor, campaign):
    from fenxiao.promotions.invites.campaigns import invite_campaign_update

    invite_campaign_update(campaign_id=campaign.pk, fields={"min_order_fen": 15_000})
    invite = accept(newcomer, inviter)
    order = pay(place_order(newcomer, (sku.id, 2)))
    (line,) = lines_of(order)

    aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=auditor)
    order.refresh_from_db()
    invite = fresh(invite)
    assert order.status == OrderStatus.PAID  # the order stands, the reward does not
    assert (invite.status, invite.revoke_reason) == (InviteStatus.REVOKED, RevokeReason.BELOW_MINIMUM)

    complete(commit, ship_and_receive(commit, order))
    assert fresh(invite).status == InviteStatus.REVOKED
    assert not UserCoupon.objects.exists()
