"""拼团 on the database: prices, seats, holds, success and the rules that refuse a join. Orders are
paid as a claimed payment would (``mark_paid``) and events run on commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.errors import DomainError
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request
from fenxiao.orders.models import Order, OrderHold
from fenxiao.orders.services import order_cancel
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.promotions.group_buy.activities import (
    GroupBuyConflict,
    GroupBuyError,
    group_buy_activity_pause,
    group_buy_activity_report,
    group_buy_activity_update,
)
from fenxiao.promotions.group_buy.groups import group_member_paid
from fenxiao.promotions.models import GroupBuyActivity, GroupBuyGroup, GroupMemberStatus, GroupStatus
from tests.order_support import mark_paid, place_order
from tests.promotions.group_buy.support import join, make_activity, open_group, shopper

pytestmark = pytest.mark.django_db


def paid(order: Order, commit) -> Order:
    with commit():
        mark_paid(order)
    order.refresh_from_db()
    return order


def formed(sku, commit, **fields):
    """A paid leader: the group is forming."""
    activity = make_activity(sku, **fields)
    leader = shopper("leader", "团长")
    placed = open_group(leader, activity)
    paid(placed.order, commit)
    return activity, placed.group.pk, placed.order


def test_the_leader_pays_the_leader_price_and_the_group_opens_when_paid(sku, commit):
    activity = make_activity(sku)
    leader = shopper("leader")
    placed = open_group(leader, activity, quantity=1)

    line = placed.order.placed.lines[0]
    assert (line.unit_price_fen, line.discount_fen, line.paid_fen) == (10_000, 5_100, 4_900)
    [adj] = placed.order.adjustments
    assert adj["kind"] == "group_buy" and adj["data"]["leader"] is True and adj["data"]["line_indexes"] == [0]
    assert placed.order.fulfilment_hold == OrderHold.GROUP_BUY
    assert placed.order.payment_deadline <= timezone.now() + timedelta(minutes=10)
    group = GroupBuyGroup.objects.get(pk=placed.group.pk)
    assert (group.status, group.seats_taken, group.expires_at) == (GroupStatus.OPENING, 1, None)
    with pytest.raises(GroupBuyConflict) as exc:
        join(shopper("early"), group.pk)
    assert exc.value.code == "GROUP_NOT_OPEN"

    paid(placed.order, commit)
    group.refresh_from_db()
    assert group.status == GroupStatus.FORMING
    assert group.expires_at == group.opened_at + timedelta(hours=24)
    assert GroupBuyActivity.objects.get(pk=activity.pk).groups_opened == 1


def test_members_pay_the_group_price_and_the_last_payment_releases_every_hold(sku, commit):
    _, group_id, leader_order = formed(sku, commit)
    a = join(shopper("a"), group_id)
    b = join(shopper("b"), group_id, quantity=1)
    assert a.order.placed.lines[0].paid_fen == 5_900
    assert a.order.payment_deadline <= GroupBuyGroup.objects.get(pk=group_id).expires_at

    paid(a.order, commit)
    assert GroupBuyGroup.objects.get(pk=group_id).status == GroupStatus.FORMING
    assert Order.objects.get(pk=a.order.pk).fulfilment_hold == OrderHold.GROUP_BUY
    with pytest.raises(DomainError) as exc:
        order_ship(order_id=a.order.pk, by=None, carrier_code="SF", tracking_no="SF1234567890")
    assert exc.value.code == "ORDER_ON_HOLD"
    with pytest.raises(DomainError) as exc:
        aftersale_request(
            order_id=a.order.pk,
            buyer=a.order.buyer,
            kind="refund_only",
            reason="不想要了",
            lines=[AfterSaleLineRequest(a.order.placed.lines[0].id, 1)],
        )
    assert exc.value.code == "AFTER_SALE_ORDER_ON_HOLD"

    paid(b.order, commit)
    group = GroupBuyGroup.objects.get(pk=group_id)
    assert (group.status, group.paid_count, group.seats_taken) == (GroupStatus.SUCCEEDED, 3, 3)
    for order_id in (leader_order.pk, a.order.pk, b.order.pk):
        order = Order.objects.get(pk=order_id)
        assert order.fulfilment_hold == ""
        assert order.events.filter(type="hold_released").count() == 1
    order_ship(order_id=a.order.pk, by=None, carrier_code="SF", tracking_no="SF1234567890")
    assert Order.objects.get(pk=a.order.pk).status == "shipped"


def test_a_full_group_refuses_even_while_seats_are_unpaid_and_a_cancelled_seat_frees_up(sku, commit):
    _, group_id, _ = formed(sku, commit)
    join(shopper("a"), group_id)
    b = join(shopper("b"), group_id)

    c = shopper("c")
    with pytest.raises(GroupBuyConflict) as exc:
        join(c, group_id)
    assert exc.value.code == "GROUP_FULL"

    with commit():
        order_cancel(order_id=b.order.pk, by=b.order.buyer)
    assert b.member.__class__.objects.get(pk=b.member.pk).status == GroupMemberStatus.RELEASED
    assert GroupBuyGroup.objects.get(pk=group_id).seats_taken == 2
    taken = join(c, group_id)
    assert taken.member.status == GroupMemberStatus.RESERVED


def test_joins_that_cannot_be_taken_are_refused_with_their_reason(sku, commit):
    activity, group_id, leader_order = formed(sku, commit, max_quantity=2)
    a = shopper("a")
    join(a, group_id)
    with pytest.raises(GroupBuyConflict) as exc:
        join(a, group_id)
    assert exc.value.code == "GROUP_ALREADY_JOINED"
    with pytest.raises(GroupBuyConflict) as exc:
        join(leader_order.buyer, group_id)
    assert exc.value.code == "GROUP_ALREADY_JOINED"
    with pytest.raises(GroupBuyError) as exc:
        join(shopper("b"), group_id, quantity=3)
    assert exc.value.code == "GROUP_BUY_QUANTITY_INVALID"

    group_buy_activity_pause(activity_id=activity.pk)
    with pytest.raises(GroupBuyConflict) as exc:
        join(shopper("c"), group_id)
    assert exc.value.code == "GROUP_BUY_PAUSED"
    with pytest.raises(GroupBuyConflict) as exc:
        open_group(shopper("d"), activity)
    assert exc.value.code == "GROUP_BUY_PAUSED"


def test_a_group_past_its_deadline_refuses_joins(sku, commit):
    _, group_id, _ = formed(sku, commit, time_limit_minutes=60)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)), pytest.raises(GroupBuyConflict) as exc:
        join(shopper("late"), group_id)
    assert exc.value.code == "GROUP_EXPIRED"


def test_a_leader_who_never_pays_leaves_a_group_that_never_opened(sku, commit):
    activity = make_activity(sku, max_groups=1)
    placed = open_group(shopper("leader"), activity)
    with pytest.raises(GroupBuyConflict) as exc:
        open_group(shopper("other"), activity)
    assert exc.value.code == "GROUP_BUY_GROUPS_FULL"

    with commit():
        order_cancel(order_id=placed.order.pk, by=None, reason="超时未支付")

    assert GroupBuyGroup.objects.get(pk=placed.group.pk).status == GroupStatus.ABANDONED
    assert GroupBuyActivity.objects.get(pk=activity.pk).groups_opened == 0
    assert open_group(User.objects.get(openid="gb-other"), activity).group.status == GroupStatus.OPENING


def test_the_ordinary_checkout_cannot_claim_a_group_price(sku, commit):
    _, group_id, _ = formed(sku, commit)
    placed = join(shopper("a"), group_id)
    other = shopper("b")
    with pytest.raises(DomainError) as exc:
        forged = {"group_buy_member_id": placed.member.pk, "group_buy_token": placed.member.token}
        place_order(other, (sku.id, 1), options=forged)
    assert exc.value.code == "GROUP_BUY_NOT_ALLOWED"


def test_a_payment_event_told_twice_counts_once(sku, commit):
    _, group_id, _ = formed(sku, commit)
    a = join(shopper("a"), group_id)
    paid(a.order, commit)
    assert group_member_paid(order_id=a.order.pk) is None
    assert GroupBuyGroup.objects.get(pk=group_id).paid_count == 2


def test_terms_are_locked_once_a_group_opened_and_rules_are_reported_together(sku, commit):
    activity, _, _ = formed(sku, commit)
    with pytest.raises(GroupBuyConflict) as exc:
        group_buy_activity_update(activity_id=activity.pk, fields={"group_price_fen": 1})
    assert exc.value.code == "GROUP_BUY_TERMS_LOCKED"
    updated = group_buy_activity_update(activity_id=activity.pk, fields={"name": "新名字"})
    assert updated.name == "新名字"

    with pytest.raises(GroupBuyError) as exc:
        make_activity(sku, group_size=1, group_price_fen=20_000, leader_price_fen=30_000, payment_minutes=99_999)
    assert exc.value.code == "GROUP_BUY_INVALID"
    problems = (
        "成团人数须在 2 到 100 之间",
        "拼团价不能高于售价",
        "团长价须在 0 与拼团价之间",
        "支付时限不能长于成团时限",
    )
    for text in problems:
        assert text in exc.value.message


def test_the_report_counts_groups_by_outcome(sku, commit):
    activity, group_id, _ = formed(sku, commit, group_size=2)
    a = join(shopper("a"), group_id)
    paid(a.order, commit)
    open_group(shopper("solo"), activity)  # opening: not counted as opened

    report = group_buy_activity_report(activity=activity)
    assert report["groups_opened"] == 1 and report["groups_succeeded"] == 1
    assert (report["success_rate_bps"], report["success_rate"]) == (10_000, "100.00%")
    assert report["paid_members"] == 2
    assert report["succeeded_revenue_fen"] == 4_900 + 5_900 + 2 * Order.objects.get(pk=a.order.pk).shipping_fen
