"""Each event the mall tells people about becomes one message in the right person's message
centre and, with their consent, a subscription message recorded by the sandbox outbox. Events run
on commit, as in production; a replayed event adds nothing."""

from __future__ import annotations

import itertools

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.extensions import deliver
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.network.enrolment import application_approve, application_reject, application_submit
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.distribution.withdrawals.review import withdrawal_approve, withdrawal_mark_bank_paid, withdrawal_reject
from fenxiao.ledger.services import ledger_post
from fenxiao.notifications.models import Notification, OutboxMessage, OutboxStatus
from fenxiao.notifications.sending import RECORDED_REASON
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.promotions.group_buy.groups import sweep_group_deadlines
from fenxiao.risk.complaints.services import complaint_create, complaint_reply, complaint_resolve
from tests.distribution.support import after_freeze, make_distributor, make_user, paid_order, receive
from tests.notifications.support import consent, outbox_of, template_id
from tests.order_support import mark_paid, place_order
from tests.promotions.group_buy.support import join, make_activity, open_group, shopper

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("templates")]
_seq = itertools.count()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create(username="ops", is_staff=True, is_superuser=True)


def only(user, kind: str) -> Notification:
    (found,) = Notification.objects.filter(user=user, kind=kind)
    return found


def assert_recorded(user, kind: str) -> OutboxMessage:
    row = outbox_of(user, kind)
    assert row.status == OutboxStatus.RECORDED and row.reason == RECORDED_REASON, row.reason
    assert row.template_id == template_id(kind) and row.touser == user.openid and row.sent_at
    return row


def test_order_shipped_tells_the_buyer_with_carrier_and_number(commit, sku, staff):
    buyer = make_user("amy")
    with commit():
        order = mark_paid(place_order(buyer, (sku.id, 2)))
    consent(buyer, "order_shipped")

    with commit():
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF1234567890")

    message = only(buyer, "order_shipped")
    assert message.title == "订单已发货" and "SF1234567890" in message.body and order.order_no in message.body
    assert message.target_type == "order" and message.target_id == order.id and message.read_at is None
    row = assert_recorded(buyer, "order_shipped")
    assert row.data["character_string1"] == {"value": order.order_no}
    assert row.data["thing3"] == {"value": "顺丰速运"} and row.page == f"pages/order/detail?id={order.id}"


def test_commission_booked_tells_each_distributor_of_the_chain_their_share(commit, sku):
    top = make_distributor("tina")
    mid = make_distributor("max", under=top)
    buyer = make_user("cleo")
    from fenxiao.distribution.network.binding import referral_bind

    referral_bind(user_id=buyer.id, code=mid.code, source="link")
    consent(mid.user, "commission_booked")

    order = paid_order(commit, buyer, (sku.id, 1))  # base 10000: 10% and 5% by default tiers

    mid_message = only(mid.user, "commission_booked")
    top_message = only(top.user, "commission_booked")
    assert "待结算" in mid_message.body and order.order_no in mid_message.body
    assert assert_recorded(mid.user, "commission_booked").data["phrase3"] == {"value": "待结算"}
    # no consent from the top of the chain: the centre has it, WeChat does not
    assert top_message and outbox_of(top.user, "commission_booked").status == OutboxStatus.SKIPPED
    # the same event again (a refund reduces commission and publishes it too) adds nothing
    with commit():
        deliver("commission_changed", order_id=order.id)
    assert Notification.objects.filter(kind="commission_booked").count() == 2


def test_commission_settled_tells_the_distributor_the_amount_now_withdrawable(commit, sku):
    mid = make_distributor("nora")
    buyer = make_user("otto")
    from fenxiao.distribution.network.binding import referral_bind

    referral_bind(user_id=buyer.id, code=mid.code, source="link")
    consent(mid.user, "commission_settled")
    order = receive(commit, paid_order(commit, buyer, (sku.id, 1)))

    with commit():
        assert commission_settle_batch(now=after_freeze(order)) >= 1

    message = only(mid.user, "commission_settled")
    assert "1 笔佣金" in message.body and "可以提现" in message.body
    assert assert_recorded(mid.user, "commission_settled").data["number2"] == {"value": "1"}


def fund(distributor, fen: int) -> None:
    ledger_post(
        kind="test_seed",
        reference=f"test:notify-fund:{distributor.id}:{next(_seq)}",
        legs=[(ledger_accounts.available(distributor.id), fen), (ledger_accounts.COMMISSION_EXPENSE, -fen)],
    )


BANK = {"bank_name": "招商银行", "bank_account_name": "王五", "bank_account_no": "6225880212345678"}


def test_withdrawal_paid_and_withdrawal_rejected_tell_the_distributor(commit, staff):
    dist = make_distributor("walt", real_name="王五")
    fund(dist, 50_000)
    consent(dist.user, "withdrawal_paid", "withdrawal_failed")

    settings_update(actor_id=None, changes={"withdraw_auto_approve_max_fen": 0})  # every one is reviewed
    with commit():
        paid = withdrawal_request(user_id=dist.user_id, amount_fen=10_000, method="bank", bank=BANK)
    with commit():
        withdrawal_approve(withdrawal_id=paid.id, actor_id=staff.id)
    with commit():
        withdrawal_mark_bank_paid(withdrawal_id=paid.id, actor_id=staff.id, reference="BANK-001")
    with commit():
        refused = withdrawal_request(user_id=dist.user_id, amount_fen=10_000, method="bank", bank=BANK)
    with commit():
        withdrawal_reject(withdrawal_id=refused.id, actor_id=staff.id, reason="收款户名与实名不一致")

    assert "已到账" in only(dist.user, "withdrawal_paid").body
    assert assert_recorded(dist.user, "withdrawal_paid").data["amount1"] == {"value": "100.00元"}
    failed = only(dist.user, "withdrawal_failed")
    assert "收款户名与实名不一致" in failed.body and failed.target_id == refused.id
    assert assert_recorded(dist.user, "withdrawal_failed").data["thing2"] == {"value": "收款户名与实名不一致"}


def test_application_approved_and_rejected_tell_the_applicant(commit, staff):
    approved_user, rejected_user = make_user("ada"), make_user("bea")
    consent(approved_user, "application_approved")
    consent(rejected_user, "application_rejected")
    with commit():
        first = application_submit(user_id=approved_user.id, real_name="李雷", phone="13800138001", reason="想分享")
        second = application_submit(user_id=rejected_user.id, real_name="韩梅", phone="13800138002", reason="")

    with commit():
        distributor = application_approve(application_id=first.id, actor_id=staff.id)
    with commit():
        application_reject(application_id=second.id, actor_id=staff.id, reason="资料不完整")

    assert distributor.code in only(approved_user, "application_approved").body
    assert assert_recorded(approved_user, "application_approved").data["phrase1"] == {"value": "已通过"}
    assert "资料不完整" in only(rejected_user, "application_rejected").body
    assert assert_recorded(rejected_user, "application_rejected").data["phrase1"] == {"value": "未通过"}


def test_each_answer_to_a_complaint_tells_the_complainant(commit, staff, sku):
    shopper_user = make_user("cara")
    order = place_order(shopper_user, (sku.id, 1))
    consent(shopper_user, "complaint_answered", times=2)
    with commit():
        complaint = complaint_create(complainant=shopper_user, category="product", content="破损", order_id=order.id)
    with commit():
        complaint_reply(complaint_id=complaint.id, by=staff, content="已联系仓库补发")
    with commit():
        complaint_resolve(complaint_id=complaint.id, by=staff, outcome="resolved", resolution="已补发新品")

    bodies = list(Notification.objects.filter(user=shopper_user).order_by("id").values_list("body", flat=True))
    assert len(bodies) == 2 and "已联系仓库补发" in bodies[0] and "已补发新品" in bodies[1]
    statuses = set(OutboxMessage.objects.filter(user=shopper_user).values_list("status", flat=True))
    assert statuses == {OutboxStatus.RECORDED}


def test_a_filled_group_tells_every_member(commit, sku):
    activity = make_activity(sku, group_size=2)
    leader, member = shopper("lee", "团长"), shopper("mia")
    consent(leader, "group_buy_succeeded")
    placed = open_group(leader, activity)
    with commit():
        mark_paid(placed.order)
    joined = join(member, placed.group.pk)
    with commit():
        mark_paid(joined.order)

    for user in (leader, member):
        message = only(user, "group_buy_succeeded")
        assert "已成团" in message.body and message.target_type == "group"
    assert assert_recorded(leader, "group_buy_succeeded").data["number2"] == {"value": "2"}
    assert outbox_of(member, "group_buy_succeeded").status == OutboxStatus.SKIPPED


def test_a_group_past_its_deadline_tells_its_paid_members_it_failed(commit, sku):
    activity = make_activity(sku, group_size=3, time_limit_minutes=60)
    leader = shopper("lou", "团长")
    consent(leader, "group_buy_failed")
    placed = open_group(leader, activity)
    with commit():
        mark_paid(placed.order)

    later = timezone.now() + timezone.timedelta(hours=2)
    with time_machine.travel(later, tick=False), commit():
        sweep_group_deadlines(now=later)

    message = only(leader, "group_buy_failed")
    assert "未在时限内成团" in message.body
    assert assert_recorded(leader, "group_buy_failed").data["amount2"] == {"value": "49.00元"}
