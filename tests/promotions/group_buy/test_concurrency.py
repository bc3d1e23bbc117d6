"""拼团 under real concurrent transactions (PostgreSQL): twelve shoppers racing for the last four
seats take exactly four; the last payments racing each other fill the group once and release
every hold; sweeps racing at the deadline fail the group once and refund each member once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.orders.models import Order
from fenxiao.payments.models import Refund
from fenxiao.promotions.group_buy.activities import GroupBuyConflict
from fenxiao.promotions.group_buy.groups import Placed, group_member_paid, sweep_group_deadlines
from fenxiao.promotions.models import GroupBuyGroup, GroupBuyMember, GroupMemberStatus, GroupStatus
from tests.catalog_factories import SkuFactory
from tests.concurrency import run_together, run_together_ok
from tests.order_support import mark_paid
from tests.orders.aftersales.support import pay
from tests.promotions.group_buy.support import join, make_activity, open_group, shopper

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def forming(size: int, **fields):
    sku = SkuFactory(price_fen=10_000, stock=1_000)
    activity = make_activity(sku, group_size=size, **fields)
    leader_order = pay(open_group(shopper("leader"), activity).order)
    return GroupBuyMember.objects.get(order=leader_order).group_id, leader_order


def test_twelve_shoppers_racing_for_four_seats_take_exactly_four():
    group_id, _ = forming(5)
    users = [shopper(f"r{i}") for i in range(12)]

    results = run_together(lambda i: join(users[i], group_id), n=12)

    won = [r for r in results if isinstance(r, Placed)]
    lost = [r for r in results if isinstance(r, GroupBuyConflict)]
    assert (len(won), len(lost)) == (4, 8), [r for r in results if not isinstance(r, Placed | GroupBuyConflict)][:3]
    assert {e.code for e in lost} == {"GROUP_FULL"}
    group = GroupBuyGroup.objects.get(pk=group_id)
    assert group.seats_taken == 5
    assert GroupBuyMember.objects.filter(group_id=group_id, status=GroupMemberStatus.RESERVED).count() == 4


def test_the_last_payments_racing_fill_the_group_once():
    group_id, leader_order = forming(4)
    placed = [join(shopper(f"p{i}"), group_id) for i in range(3)]

    # Three payment notifications at once; each one's order_paid handler runs in its thread.
    run_together_ok(lambda i: mark_paid(placed[i].order), n=3)

    assert [group_member_paid(order_id=p.order.pk) for p in placed] == [None, None, None]  # told before
    group = GroupBuyGroup.objects.get(pk=group_id)
    assert (group.status, group.paid_count) == (GroupStatus.SUCCEEDED, 4)
    held = Order.objects.filter(pk__in=[leader_order.pk, *(p.order.pk for p in placed)], fulfilment_hold="group_buy")
    assert not held.exists()


def test_sweeps_racing_at_the_deadline_refund_each_member_once():
    group_id, leader_order = forming(3, time_limit_minutes=30)
    member_order = pay(join(shopper("m"), group_id).order)

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        failed = run_together_ok(lambda i: sweep_group_deadlines(now=timezone.now()), n=4)

    assert sum(failed) == 1
    assert GroupBuyGroup.objects.get(pk=group_id).status == GroupStatus.FAILED
    for order in (leader_order, member_order):
        assert Refund.objects.filter(order=order).count() == 1
        order.refresh_from_db()
        assert order.refunded_fen == order.paid_fen and order.status == "closed"
