"""The issue's end-to-end journeys in a real browser (375x667), every step through the pages a
person would use: a visitor buys through a distributor's share link with a coupon, the operator
ships in the admin, the shopper confirms receipt, the freeze passes, the distributor withdraws and
the sandbox WeChat transfer pays it; and a group-buy that misses its deadline refunds its members.

Only time is not lived through: the sweeps run with an as-of time, as ``fenxiao sweep --as-of``
does in the sandbox (``fenxiao.core.extensions.run_sweeps``). Every page is watched for console
errors (``phones``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings

from fenxiao.core.extensions import run_sweeps
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.models import CommissionRecord, CommissionStatus, Referral, Withdrawal, WithdrawalStatus
from fenxiao.distribution.network.enrolment import distributor_create
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.payments.models import Refund, RefundStatus
from fenxiao.promotions.models import GroupBuyGroup, GroupStatus
from tests.browser.support import admin_login, coupon, group_buy, sandbox_shopper, shelf_sku
from tests.distribution.support import Balances, balances

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_transfer_gateway")]


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def kv(page, label: str) -> str:
    """The value of a ``.kv`` row (label on the left, value on the right) on the page."""
    return (
        page.locator(".kv", has=page.locator("span", has_text=re.compile(rf"^{label}$")))
        .locator("> :last-child")
        .inner_text()
    )


def test_a_share_link_purchase_pays_its_distributor_after_the_freeze(phones, operator):
    # given distributor A (丁娜), a ¥2,999.00 product and a ¥20-off coupon on offer
    sharer = sandbox_shopper("dina", "丁娜")
    a = distributor_create(user_id=sharer.id, source="apply", real_name="丁娜", phone="13800138000")
    sku = shelf_sku("羊绒大衣", price_fen=299_900)
    coupon()
    sandbox_shopper("vera", "薇拉")  # a sandbox shopper with an address, bound to no one yet

    # A copies their share link from the centre
    phone_a = phones()
    phone_a.login("sandbox-dina", "/centre/")
    share_link = phone_a.page.inner_text("#centre-share-link")
    assert share_link.endswith(f"/?ref={a.code}")

    # when a visitor opens it, finds the product and logs in to buy it
    visitor = phones()
    page = visitor.open(share_link.removeprefix(visitor.base_url))
    page.click(f"#recommended a[href*='/products/{sku.product_id}/']")
    page.wait_for_url(re.compile(rf"/products/{sku.product_id}/"))
    page.click("button[value=buy]")  # buying needs login
    page.wait_for_url(re.compile(r"/login/\?next="))
    page.click("[data-login='sandbox-vera']")
    page.wait_for_url(re.compile(rf"/products/{sku.product_id}/"))
    assert Referral.objects.get(user__openid="sandbox-vera").distributor_id == a.id

    # ... claims the coupon and checks out with it
    visitor.open("/coupons/")
    page.click(".coupon button")
    page.wait_for_selector("text=已领取")
    visitor.open(f"/products/{sku.product_id}/")
    page.click("button[value=buy]")
    page.wait_for_url(re.compile(r"/checkout/"))
    choice = page.locator("#coupon-select option", has_text="新人满减券").get_attribute("value")
    with page.expect_navigation():
        page.select_option("#coupon-select", value=choice)
    assert kv(page, "运费") == "¥0.00"
    assert page.inner_text("#checkout-total") == "¥2979.00"
    page.click("#checkout-submit")
    page.wait_for_url(re.compile(r"/orders/\d+/pay/"))

    # ... and pays in the sandbox
    page.click("#sandbox-pay")
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    assert page.inner_text("#order-status") == "待发货"
    order = Order.objects.get(buyer__openid="sandbox-vera")
    order_path = f"/orders/{order.pk}/"
    assert (order.goods_fen, order.discount_fen, order.shipping_fen, order.paid_fen) == (299_900, 2_000, 0, 297_900)

    # then A's commission is 10% of what was paid for the line after the coupon, frozen
    record = CommissionRecord.objects.get(order=order)
    assert (record.distributor_id, record.level, record.base_fen, record.rate_bps) == (a.id, 1, 297_900, 1_000)
    assert record.amount_fen == 29_790
    page = phone_a.open("/centre/earnings/")
    assert page.inner_text("#balance-pending") == "297.90"
    assert page.inner_text("#balance-available") == "0.00"
    assert page.inner_text(f"[data-commission='{record.pk}'] .price") == "+297.90"
    assert page.inner_text(f"[data-commission='{record.pk}'] .tag") == "待结算"

    # when the operator ships it from the order admin's 发货 page
    ops = phones()
    admin = admin_login(ops, operator, "/admin/orders/order/")
    admin.click(f"a[href$='/{order.pk}/ship/']")
    admin.wait_for_url(re.compile(rf"/admin/orders/order/{order.pk}/ship/"))
    admin.select_option("#id_carrier_code", value="SF")
    admin.fill("#id_tracking_no", "SF1234567890")
    admin.click("input[type=submit][value=确认发货]")
    admin.wait_for_url(re.compile(rf"/admin/orders/order/{order.pk}/change/"))
    assert "已发货" in admin.inner_text(".messagelist")

    # ... and the shopper confirms receipt
    page = visitor.open(order_path)
    assert page.inner_text("#order-status") == "待收货"
    assert "SF1234567890" in page.inner_text("#parcel-1")
    page.click("button:has-text('确认收货')")
    page.wait_for_url(re.compile(rf"{order_path}$"))
    assert page.inner_text("#order-status") == "已收货"
    assert visitor.overflow() == 0

    # ... and the after-sales window and the freeze pass (the sweeps, as of that day)
    order.refresh_from_db()
    freeze = timedelta(days=distribution_settings().freeze_days)
    as_of = order.received_at + settings.ORDER_AFTER_SALES_WINDOW + freeze + timedelta(minutes=1)
    counts = run_sweeps(now=as_of)
    assert counts["distribution.settle_commission"] == 1 and counts["orders.complete"] == 1
    assert all(count >= 0 for count in counts.values()), counts

    # then A sees the commission as available
    page = phone_a.open("/centre/earnings/")
    assert page.inner_text("#balance-available") == "297.90"
    assert page.inner_text("#balance-pending") == "0.00"
    assert page.inner_text(f"[data-commission='{record.pk}'] .tag") == "已结算"
    assert visitor.open(order_path).inner_text("#order-status") == "已完成"

    # when A withdraws all of it to WeChat (above the auto-approve line, so it waits for review)
    page = phone_a.open("/centre/withdraw/")
    page.fill("input[name=amount]", "297.90")
    page.click("#withdraw-submit")
    page.wait_for_url(re.compile(r"/centre/withdrawals/\d+/$"))
    assert page.inner_text("#withdrawal-status") == "待审核"
    withdrawal = Withdrawal.objects.get(distributor=a)
    assert withdrawal.amount_fen == 29_790

    # ... the operator approves it in the withdrawal queue
    admin = ops.open("/admin/distribution/withdrawal/")
    admin.click(f"a[href$='/{withdrawal.pk}/step/approve/']")
    admin.click("input[type=submit][value=审核通过]")
    admin.wait_for_url(re.compile(rf"/withdrawal/{withdrawal.pk}/change/"))

    # ... and A confirms the transfer (what WeChat's confirm page does, in the sandbox)
    page = phone_a.open(f"/centre/withdrawals/{withdrawal.pk}/")
    assert page.inner_text("#withdrawal-status") == "打款中"
    page.click("#withdrawal-confirm")
    page.wait_for_url(re.compile(rf"/centre/withdrawals/{withdrawal.pk}/$"))

    # then A sees it paid, and the money moved exactly
    assert page.inner_text("#withdrawal-status") == "已到账"
    page = phone_a.open("/centre/")
    assert page.inner_text("#balance-withdrawn") == "297.90"
    assert page.inner_text("#balance-available") == "0.00"
    assert page.inner_text("#balance-withdrawing") == "0.00"
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PAID
    assert CommissionRecord.objects.get(pk=record.pk).status == CommissionStatus.SETTLED
    assert balances(a) == Balances(pending=0, available=0, withdrawing=0)
    assert phone_a.overflow() == 0


def test_a_group_that_misses_its_deadline_fails_and_refunds_every_member_once(phones):
    # given a three-person group-buy (leader ¥49.00, member ¥59.00) and two shoppers
    activity = group_buy(shelf_sku("拼团电动牙刷", price_fen=8_800))
    sandbox_shopper("lead", "王团长")
    sandbox_shopper("two", "李二")

    # when the leader opens a group and pays
    leader = phones()
    leader.login("sandbox-lead")
    page = leader.open(f"/group-buy/{activity.pk}/")
    page.click("#group-open")
    page.wait_for_url(re.compile(r"/orders/\d+/pay/"))
    page.click("#sandbox-pay")
    page.wait_for_url(re.compile(r"/group-buy/groups/\d+/"))
    group_path = page.url.removeprefix(leader.base_url)

    # and one friend joins from the shared group page and pays
    friend = phones()
    friend.login("sandbox-two", group_path)
    friend.page.click("#group-join")
    friend.page.wait_for_url(re.compile(r"/orders/\d+/pay/"))
    friend.page.click("#sandbox-pay")
    friend.page.wait_for_url(re.compile(r"/group-buy/groups/\d+/"))
    assert "还差 1 人成团" in friend.page.inner_text("main")

    # and the deadline passes with a seat still empty (the sweeps, as of just after it)
    group = GroupBuyGroup.objects.get()
    counts = run_sweeps(now=group.expires_at + timedelta(minutes=1))
    assert counts["promotions.group_buy_deadlines"] == 1
    assert all(count >= 0 for count in counts.values()), counts

    # then the group page says 拼团失败 ...
    page = leader.open(group_path)
    assert page.inner_text("#group-status") == "拼团失败"
    assert GroupBuyGroup.objects.get().status == GroupStatus.FAILED

    # ... and each shopper's order is closed with everything they paid refunded, exactly once
    for phone, openid, paid_fen in ((leader, "sandbox-lead", 4_900), (friend, "sandbox-two", 5_900)):
        order = Order.objects.get(buyer__openid=openid)
        assert (order.status, order.paid_fen, order.refunded_fen) == (OrderStatus.CLOSED, paid_fen, paid_fen)
        page = phone.open(f"/orders/{order.pk}/")
        assert page.inner_text("#order-status") == "已关闭"
        assert kv(page, "实付") == f"¥{yuan(paid_fen)}"
        assert kv(page, "已退款") == f"¥{yuan(paid_fen)}"
        (refund,) = Refund.objects.filter(order=order)
        assert (refund.status, refund.amount_fen) == (RefundStatus.SUCCEEDED, paid_fen)
        assert phone.overflow() == 0

    # and a later sweep refunds nobody twice
    run_sweeps(now=group.expires_at + timedelta(days=1))
    assert Refund.objects.count() == 2
