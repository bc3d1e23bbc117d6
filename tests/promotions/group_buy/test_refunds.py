"""A group that fails refunds every paying member once, through the WeChat Pay sandbox and the
real notification path (real commits, so the post-commit steps run as in production); and the
distributor whose share link a member opened earns on that member's order."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.extensions import deliver
from fenxiao.distribution.models import CommissionRecord, Referral
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.payments.models import Refund, RefundStatus
from fenxiao.payments.notifications import notification_handle
from fenxiao.payments.prepare import payment_description, payment_prepare
from fenxiao.promotions.group_buy.groups import sweep_group_deadlines
from fenxiao.promotions.models import GroupBuyGroup, GroupBuyMember, GroupMemberStatus, GroupStatus
from tests.catalog_factories import stock_of
from tests.distribution.support import balances, make_distributor
from tests.orders.aftersales.support import pay
from tests.promotions.group_buy.support import join, make_activity, open_group, shopper

pytestmark = pytest.mark.django_db(transaction=True)


def refunds_of(order: Order) -> list[Refund]:
    return list(Refund.objects.filter(order=order))


def test_a_failed_group_refunds_every_paid_member_once_and_cancels_the_unpaid(sku):
    stock_before = stock_of(sku.pk)
    sharer = make_distributor("gb-sharer")
    activity = make_activity(sku, time_limit_minutes=60)
    leader = pay(open_group(shopper("leader"), activity).order)
    group_id = GroupBuyMember.objects.get(order=leader).group_id
    member = join(shopper("a"), group_id, ref=sharer.code)
    member_order = pay(member.order)
    unpaid = join(shopper("b"), group_id).order
    assert balances(sharer).pending == 590  # 10% of the ¥59.00 the member paid, shipping excluded

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert sweep_group_deadlines(now=timezone.now()) == 1
        assert sweep_group_deadlines(now=timezone.now()) == 0  # asking again refunds nothing new

    group = GroupBuyGroup.objects.get(pk=group_id)
    assert group.status == GroupStatus.FAILED
    assert Order.objects.get(pk=unpaid.pk).status == OrderStatus.CANCELLED
    for order in (leader, member_order):
        order.refresh_from_db()
        (refund,) = refunds_of(order)
        assert (refund.status, refund.amount_fen, refund.purpose) == (
            RefundStatus.SUCCEEDED,
            order.paid_fen,
            f"void:{order.pk}",
        )
        assert (order.status, order.refunded_fen, order.fulfilment_hold) == (OrderStatus.CLOSED, order.paid_fen, "")
        line = order.lines.get()
        assert (line.refunded_quantity, line.refunded_fen) == (1, line.paid_fen)
        assert order.events.filter(type="voided").count() == 1
    statuses = dict(GroupBuyMember.objects.filter(group_id=group_id).values_list("order_id", "status"))
    assert statuses == {
        leader.pk: GroupMemberStatus.REFUNDED,
        member_order.pk: GroupMemberStatus.REFUNDED,
        unpaid.pk: GroupMemberStatus.RELEASED,
    }
    assert stock_of(sku.pk) == stock_before  # every unit is back on sale
    assert balances(sharer).pending == 0  # the member's commission went with the refund

    # A replayed payment event, or a second sweep much later, never pays anyone back twice.
    deliver("order_paid", order_id=member_order.pk)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        sweep_group_deadlines(now=timezone.now())
    assert Refund.objects.filter(order__in=[leader, member_order]).count() == 2


def test_a_member_who_paid_as_the_group_failed_is_refunded_in_full_once(sku):
    activity = make_activity(sku, time_limit_minutes=60, payment_minutes=30)
    leader = pay(open_group(shopper("leader"), activity).order)
    group_id = GroupBuyMember.objects.get(order=leader).group_id
    late = join(shopper("late"), group_id).order
    payment = payment_prepare(
        order_id=late.pk, payer_openid=late.buyer.openid, description=payment_description(late.order_no)
    )
    # The member pays at WeChat just before the deadline; the notification has not arrived yet.
    delayed = pay_gateway().complete_payment(payment.payment.out_trade_no)

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        sweep_group_deadlines(now=timezone.now())
        # Cancelling the unpaid seat closed its payment first: WeChat said it was paid, so the
        # order is paid (not cancelled), and its seat no longer counts.
        late.refresh_from_db()
        assert late.status == OrderStatus.PAID
        assert GroupBuyMember.objects.get(order=late).status == GroupMemberStatus.REFUNDING
        assert not refunds_of(late)  # not inside the payment's claim: the next sweep refunds it
        sweep_group_deadlines(now=timezone.now())
        sweep_group_deadlines(now=timezone.now())
    # WeChat's delayed notification finally arrives (signed when it was sent): nothing more happens.
    assert notification_handle(headers=delayed.headers, body=delayed.body).outcome == "duplicate"

    late.refresh_from_db()
    (refund,) = refunds_of(late)
    assert refund.amount_fen == late.paid_fen and refund.status == RefundStatus.SUCCEEDED
    assert (late.status, late.refunded_fen) == (OrderStatus.CLOSED, late.paid_fen)
    assert GroupBuyMember.objects.get(order=late).status == GroupMemberStatus.REFUNDED


def test_the_distributor_who_shared_the_group_earns_on_the_member_order_when_it_succeeds(sku):
    sharer = make_distributor("gb-sharer2")
    activity = make_activity(sku, group_size=2)
    leader = pay(open_group(shopper("leader"), activity).order)
    group_id = GroupBuyMember.objects.get(order=leader).group_id

    buyer = shopper("friend")
    member_order = pay(join(buyer, group_id, ref=sharer.code).order)

    assert Referral.objects.get(user=buyer).distributor_id == sharer.pk
    record = CommissionRecord.objects.get(order=member_order, level=1)
    assert (record.distributor_id, record.base_fen, record.amount_fen) == (sharer.pk, 5_900, 590)
    assert GroupBuyGroup.objects.get(pk=group_id).status == GroupStatus.SUCCEEDED
    assert Order.objects.get(pk=member_order.pk).fulfilment_hold == ""


def test_an_activity_that_pays_no_commission_books_none(sku):
    sharer = make_distributor("gb-sharer3")
    activity = make_activity(sku, group_size=2, commission_allowed=False)
    leader = pay(open_group(shopper("leader"), activity).order)
    group_id = GroupBuyMember.objects.get(order=leader).group_id

    member_order = pay(join(shopper("friend"), group_id, ref=sharer.code).order)

    assert not CommissionRecord.objects.filter(order=member_order).exists()
