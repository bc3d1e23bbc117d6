"""Cancelling an order that WeChat may still be paying, and money that arrives for an order that no
longer wants it (issue 15 §1).

A cancel closes the order's WeChat payment first: WeChat answering "already paid" turns the cancel
into a paid order. Money that still lands on a cancelled order (WeChat warns that a buyer already in
the payment sheet can complete a trade the merchant has just closed) never revives the order: the
coupon, seckill unit, group seat and stock the cancel gave back stay given back, no commission is
booked, and the money is refunded in full, once, under one out_refund_no.

Real commits (``transaction=True``): refunds and their notifications run after commit, as in
production."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import httpx
import pytest
import time_machine
from django.utils import timezone

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.core.errors import Conflict
from fenxiao.distribution.models import CommissionRecord
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.sandbox_server import SandboxPayServer
from fenxiao.inventory.models import StockReservation
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.orders.services import order_cancel
from fenxiao.orders.sweeps import sweep_unpaid_orders
from fenxiao.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from fenxiao.payments.services import (
    notification_handle,
    payment_description,
    payment_prepare,
    sweep_refused_payments,
)
from fenxiao.promotions.group_buy.groups import group_member_released
from fenxiao.promotions.models import (
    CouponTemplate,
    GroupBuyGroup,
    GroupBuyMember,
    GroupMemberStatus,
    SeckillActivity,
    SeckillPurchase,
    SeckillPurchaseStatus,
    UserCoupon,
    UserCouponStatus,
)
from fenxiao.promotions.seckill.purchases import seckill_buy
from tests.catalog_factories import SkuFactory, stock_of
from tests.distribution.support import make_distributor, make_user
from tests.order_support import place_order
from tests.promotions.coupons.support import claim, make_template
from tests.promotions.group_buy import support as groups
from tests.promotions.seckill.support import make_activity as make_seckill
from tests.support import Api, assert_error

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shopper():
    return make_user("late-payer")


def prepared(order: Order) -> Payment:
    """The buyer tapped "pay": a WeChat payment the buyer can complete."""
    return payment_prepare(
        order_id=order.pk, payer_openid=order.buyer.openid, description=payment_description(order.order_no)
    ).payment


def paid_despite_the_close(payment: Payment) -> str:
    """The buyer, already in WeChat's payment sheet, completes the trade the cancel just closed; the
    notification reaches us. Returns the notification's outcome."""
    message = pay_gateway().complete_payment(payment.out_trade_no, racing_close=True)
    return notification_handle(headers=message.headers, body=message.body).outcome


def refund_sweeps() -> int:
    """Two rounds of the sweep that refunds refused money: the second must ask for nothing."""
    asked = sweep_refused_payments(now=timezone.now())
    assert sweep_refused_payments(now=timezone.now()) == 0
    return asked


def assert_refunded_once(payment: Payment) -> Refund:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUSED and payment.anomaly.startswith("订单已取消")
    (refund,) = Refund.objects.filter(payment=payment)
    assert (refund.amount_fen, refund.status, refund.purpose) == (
        payment.amount_fen,
        RefundStatus.SUCCEEDED,
        f"refused_payment:{payment.pk}",
    )
    assert refund.out_refund_no == f"R{payment.order.order_no}-1"
    order = Order.objects.get(pk=payment.order_id)
    assert order.events.filter(type="payment_returned", data__refund_id=refund.pk).count() == 1
    return refund


# --- the cancel closes the payment first -----------------------------------------------------------


def test_a_cancel_closes_the_wechat_payment_so_it_can_no_longer_be_paid(shopper):
    order = place_order(shopper, (SkuFactory(price_fen=3_000).id, 1))
    payment = prepared(order)

    order_cancel(order_id=order.id, by=shopper, reason="不要了")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED
    assert pay_gateway().server.trade(payment.out_trade_no)["state"] == "CLOSED"
    with pytest.raises(Exception, match="关闭"):
        pay_gateway().complete_payment(payment.out_trade_no)  # WeChat refuses a closed trade


def test_a_cancel_that_finds_the_order_paid_at_wechat_is_refused_and_the_order_is_paid(shopper):
    sku = SkuFactory(price_fen=20_000, stock=10)
    coupon = claim(shopper, make_template())
    order = place_order(shopper, (sku.id, 1), options={"coupon_id": coupon.pk})
    payment = prepared(order)
    delayed = pay_gateway().complete_payment(payment.out_trade_no)  # paid; notification not here yet

    with pytest.raises(Conflict) as refused:
        order_cancel(order_id=order.id, by=shopper, reason="不要了")

    assert (refused.value.code, refused.value.status) == ("ORDER_NOT_CANCELLABLE", 409)
    order.refresh_from_db()
    assert (order.status, order.paid_fen) == (OrderStatus.PAID, order.payable_fen)
    assert UserCoupon.objects.get(pk=coupon.pk).status == UserCouponStatus.USED
    assert stock_of(sku.pk) == 9
    assert StockReservation.objects.get().state == "consumed"
    assert notification_handle(headers=delayed.headers, body=delayed.body).outcome == "duplicate"
    assert not Refund.objects.exists()


def test_a_cancel_while_wechat_cannot_be_reached_is_refused_and_gives_nothing_back(shopper, monkeypatch):
    sku = SkuFactory(price_fen=20_000, stock=10)
    coupon = claim(shopper, make_template())
    order = place_order(shopper, (sku.id, 1), options={"coupon_id": coupon.pk})
    payment = prepared(order)

    def unreachable(self, out_trade_no):
        raise httpx.ConnectTimeout("timed out")

    monkeypatch.setattr(SandboxPayServer, "_close", unreachable)
    api = Api(token_pair_issue(user_id=shopper.id, scope="user").access)
    assert_error(api.post(f"/api/v1/orders/{order.id}/cancel", {"reason": "不要了"}), 502, "WECHATPAY_NETWORK")
    assert sweep_unpaid_orders(now=timezone.now() + timedelta(hours=1)) == 0  # the sweep waits too

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert UserCoupon.objects.get(pk=coupon.pk).status == UserCouponStatus.USED
    assert stock_of(sku.pk) == 9

    monkeypatch.undo()  # WeChat is back
    assert api.post(f"/api/v1/orders/{order.id}/cancel", {"reason": "不要了"}).status_code == 200
    assert UserCoupon.objects.get(pk=coupon.pk).status == UserCouponStatus.UNUSED
    assert stock_of(sku.pk) == 10


def test_the_issue_steps_through_the_api_one_coupon_discounts_one_order(shopper):
    """The reported hole: pay, cancel, order again with the same coupon, complete the first payment."""
    sku = SkuFactory(price_fen=20_000, stock=10)
    template = make_template()
    coupon = claim(shopper, template)
    api = Api(token_pair_issue(user_id=shopper.id, scope="user").access)
    body = {"lines": [{"sku_id": sku.id, "quantity": 1}], "address_id": shopper.addresses.get().id}

    def place() -> dict:
        answer = api.client.post(
            "/api/v1/orders",
            {**body, "options": {"coupon_id": coupon.pk}},
            content_type="application/json",
            headers={**api._headers(), "Idempotency-Key": uuid4().hex},
        )
        assert answer.status_code == 201, answer.content
        return answer.json()

    first = place()
    assert api.post(f"/api/v1/orders/{first['id']}/pay").status_code == 200
    assert api.post(f"/api/v1/orders/{first['id']}/cancel", {"reason": "拍错了"}).status_code == 200
    second = place()
    assert second["discount_fen"] == 2_000

    answer = api.post(f"/api/v1/sandbox/payments/{first['order_no']}/succeed")
    assert_error(answer, 409, "ORDER_NOT_PAYABLE")
    assert api.post(f"/api/v1/sandbox/payments/{second['order_no']}/succeed").json()["outcome"] == "paid"

    assert Order.objects.get(pk=first["id"]).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=second["id"]).status == OrderStatus.PAID
    used = UserCoupon.objects.get(pk=coupon.pk)
    assert (used.status, used.used_order_id) == (UserCouponStatus.USED, second["id"])
    assert CouponTemplate.objects.get(pk=template.pk).used_count == 1


# --- money that arrives anyway is refused and refunded ---------------------------------------------


def test_late_money_leaves_the_coupon_with_the_order_that_now_uses_it(shopper):
    sku = SkuFactory(price_fen=20_000, stock=10)
    template = make_template()
    coupon = claim(shopper, template)
    first = place_order(shopper, (sku.id, 1), options={"coupon_id": coupon.pk})
    payment = prepared(first)
    order_cancel(order_id=first.id, by=shopper, reason="拍错了")
    second = place_order(shopper, (sku.id, 1), options={"coupon_id": coupon.pk})

    assert paid_despite_the_close(payment) == "refused"
    assert refund_sweeps() == 1

    first.refresh_from_db()
    assert (first.status, first.paid_fen, first.paid_at) == (OrderStatus.CANCELLED, 0, None)
    used = UserCoupon.objects.get(pk=coupon.pk)
    assert (used.status, used.used_order_id) == (UserCouponStatus.USED, second.id)
    assert CouponTemplate.objects.get(pk=template.pk).used_count == 1
    assert stock_of(sku.pk) == 9  # the second order's unit only
    assert_refunded_once(payment)
    assert list(first.events.values_list("type", flat=True)) == [
        "created",
        "cancelled",
        "payment_refused",
        "payment_returned",
    ]


def test_late_money_never_takes_back_released_stock(shopper):
    sku = SkuFactory(price_fen=5_000, stock=2)
    order = place_order(shopper, (sku.id, 2))
    payment = prepared(order)
    order_cancel(order_id=order.id, by=shopper, reason="不要了")
    assert stock_of(sku.pk) == 2

    assert paid_despite_the_close(payment) == "refused"
    refund_sweeps()

    assert stock_of(sku.pk) == 2
    assert StockReservation.objects.get().state == "released"
    assert_refunded_once(payment)


def test_late_money_never_takes_back_a_seckill_unit_or_a_place_under_the_limit(shopper):
    sku = SkuFactory(price_fen=20_000, stock=50)
    activity = make_seckill(sku, stock=1, per_user_limit=1)
    address_id = shopper.addresses.get().id
    order = seckill_buy(user=shopper, activity_id=activity.pk, address_id=address_id)
    payment = prepared(order)
    order_cancel(order_id=order.id, by=shopper, reason="不要了")
    again = seckill_buy(user=shopper, activity_id=activity.pk, address_id=address_id)  # unit and place back

    assert paid_despite_the_close(payment) == "refused"
    refund_sweeps()

    assert SeckillActivity.objects.get(pk=activity.pk).sold == 1
    purchases = dict(SeckillPurchase.objects.values_list("order_id", "status"))
    assert purchases == {order.id: SeckillPurchaseStatus.RETURNED, again.id: SeckillPurchaseStatus.PLACED}
    assert Order.objects.get(pk=order.id).status == OrderStatus.CANCELLED
    assert_refunded_once(payment)


def test_late_money_never_takes_back_a_released_group_seat(shopper):
    sku = SkuFactory(price_fen=8_000, stock=50)
    activity = groups.make_activity(sku)
    leader = groups.open_group(groups.shopper("leader"), activity).order
    from tests.orders.aftersales.support import pay

    pay(leader)
    group_id = GroupBuyMember.objects.get(order=leader).group_id
    seat = groups.join(shopper, group_id).order
    payment = prepared(seat)
    order_cancel(order_id=seat.id, by=shopper, reason="不拼了")
    taken_after_cancel = GroupBuyGroup.objects.get(pk=group_id).seats_taken

    assert paid_despite_the_close(payment) == "refused"
    refund_sweeps()

    assert GroupBuyMember.objects.get(order=seat).status == GroupMemberStatus.RELEASED
    group = GroupBuyGroup.objects.get(pk=group_id)
    assert (group.seats_taken, group.paid_count) == (taken_after_cancel, 1)
    assert group_member_released(order_id=seat.id) is False
    assert_refunded_once(payment)


def test_late_money_books_no_commission(shopper):
    distributor = make_distributor("sharer")
    buyer = make_user("referred")
    referral_bind(user_id=buyer.id, code=distributor.code, source="link")
    order = place_order(buyer, (SkuFactory(price_fen=10_000).id, 1))
    payment = prepared(order)
    order_cancel(order_id=order.id, by=buyer, reason="不要了")

    assert paid_despite_the_close(payment) == "refused"
    refund_sweeps()

    assert not CommissionRecord.objects.exists()
    assert_refunded_once(payment)


def test_a_timed_out_order_paid_late_is_refunded_not_revived(shopper):
    sku = SkuFactory(price_fen=5_000, stock=5)
    order = place_order(shopper, (sku.id, 1))
    payment = prepared(order)
    later = timezone.now() + timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        assert sweep_unpaid_orders(now=later) == 1

    assert paid_despite_the_close(payment) == "refused"
    refund_sweeps()

    assert Order.objects.get(pk=order.id).status == OrderStatus.CANCELLED
    assert stock_of(sku.pk) == 5
    assert_refunded_once(payment)


def test_a_refused_payment_told_again_by_query_and_notification_is_refunded_once(shopper):
    from fenxiao.payments.services import payment_sync

    order = place_order(shopper, (SkuFactory(price_fen=5_000).id, 1))
    payment = prepared(order)
    order_cancel(order_id=order.id, by=shopper, reason="不要了")
    message = pay_gateway().complete_payment(payment.out_trade_no, racing_close=True)

    for _ in range(3):
        notification_handle(headers=message.headers, body=message.body)
    payment_sync(payment_id=payment.pk)
    refund_sweeps()
    notification_handle(headers=message.headers, body=message.body)
    assert sweep_refused_payments(now=timezone.now() + timedelta(hours=1)) == 0

    assert_refunded_once(payment)
    assert Order.objects.get(pk=order.id).events.filter(type="payment_refused").count() == 1
