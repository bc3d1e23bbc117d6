"""The shopper journeys of the H5 storefront in a real browser (375x667)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fenxiao.distribution.models import CommissionRecord, Referral
from fenxiao.orders.models import Order, OrderStatus
from fenxiao.promotions.models import GroupBuyGroup, GroupStatus
from tests.browser.support import coupon, group_buy, sandbox_shopper, shelf_sku
from tests.distribution.support import make_distributor

pytestmark = pytest.mark.django_db(transaction=True)


def test_referred_visitor_buys_with_a_coupon_and_the_distributor_earns(phone):
    # given a distributor's share link to a product, and a coupon on offer
    distributor = make_distributor("sharer", real_name="李娜")
    sku = shelf_sku("山茶花修护精华", price_fen=12_000)
    coupon()
    page = phone.open(f"/products/{sku.product_id}/?ref={distributor.code}")
    assert "山茶花修护精华" in page.inner_text("main")

    # when the visitor logs in as a new sandbox shopper (bound after login) ...
    page.click("button[value=cart]")  # adding to cart needs login
    page.wait_for_url(re.compile(r"/login/\?next="))
    page.fill("input[name=name]", "newbie")
    page.click("#login-new")
    page.wait_for_url(re.compile(rf"/products/{sku.product_id}/"))
    shopper = Referral.objects.select_related("user").get(distributor=distributor).user
    assert shopper.openid == "sandbox-newbie"

    # ... claims the coupon, adds the product to the cart and checks out with it
    phone.open("/coupons/")
    page.click(".coupon button")
    page.wait_for_selector("text=已领取")
    phone.open(f"/products/{sku.product_id}/")
    page.click("button[value=cart]")
    page.wait_for_selector("text=已加入购物车")
    phone.open("/cart/")
    assert page.inner_text("#cart-total") == "¥120.00"
    page.click("#cart-body [data-step='1']")  # htmx re-renders the cart with the new total
    expect(page.locator("#cart-total")).to_have_text("¥240.00")
    page.click("#cart-body [data-step='-1']")
    expect(page.locator("#cart-total")).to_have_text("¥120.00")
    page.click("#cart-checkout")
    page.wait_for_url(re.compile(r"/checkout/"))
    page.click("#checkout-address")  # no address yet: add one, then come back
    page.fill("input[name=receiver]", "林新")
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=province]", "浙江省")
    page.fill("input[name=city]", "杭州市")
    page.fill("input[name=district]", "西湖区")
    page.fill("input[name=detail]", "文三路 90 号")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/checkout/.*address_id="))
    choice = page.locator("#coupon-select option", has_text="新人满减券").get_attribute("value")
    with page.expect_navigation():
        page.select_option("#coupon-select", value=choice)
    assert page.locator("#coupon-select").input_value() == choice
    assert page.inner_text("#checkout-total") == "¥100.00"
    page.click("#checkout-submit")
    page.wait_for_url(re.compile(r"/orders/\d+/pay/"))

    # ... and pays in the sandbox
    page.click("#sandbox-pay")
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    assert page.inner_text("#order-status") == "待发货"

    # then the order is under 待发货 and the distributor has commission on it
    order = Order.objects.get(buyer=shopper)
    assert order.status == OrderStatus.PAID and order.payable_fen == 10_000 and order.discount_fen == 2_000
    phone.open("/orders/?tab=to_ship")
    assert page.locator(f"[data-order-no='{order.order_no}']").count() == 1
    record = CommissionRecord.objects.get(order=order, level=1)
    assert record.distributor_id == distributor.id and record.base_fen == 10_000 and record.amount_fen > 0


def test_group_buy_leader_opens_two_join_and_pay_and_the_group_succeeds(phones):
    # given a three-person group-buy and three shoppers with addresses
    activity = group_buy(shelf_sku("拼团电动牙刷", price_fen=8_800))
    for name, nickname in (("lead", "王团长"), ("two", "李二"), ("three", "张三")):
        sandbox_shopper(name, nickname)

    # when the leader opens a group and pays
    leader = phones()
    leader.login("sandbox-lead")
    page = leader.open(f"/group-buy/{activity.pk}/")
    page.click("#group-open")
    page.wait_for_url(re.compile(r"/orders/\d+/pay/"))
    page.click("#sandbox-pay")
    page.wait_for_url(re.compile(r"/group-buy/groups/\d+/"))
    assert "还差 2 人成团" in page.inner_text("main")
    group_path = page.url.removeprefix(leader.base_url)

    # and two others open the shared group page, join and pay
    for openid in ("sandbox-two", "sandbox-three"):
        friend = phones()
        friend.open(group_path)
        friend.page.click("#group-join")  # a visitor sees the group; joining asks them to log in
        friend.page.wait_for_url(re.compile(r"/login/\?next="))
        friend.page.click(f"[data-login='{openid}']")
        friend.page.wait_for_url(re.compile(r"/group-buy/groups/\d+/"))
        friend.page.click("#group-join")
        friend.page.wait_for_url(re.compile(r"/orders/\d+/pay/"))
        friend.page.click("#sandbox-pay")
        friend.page.wait_for_url(re.compile(r"/group-buy/groups/\d+/"))

    # then everyone sees 拼团成功 with three members
    page = leader.open(group_path)
    assert page.inner_text("#group-status") == "拼团成功"
    assert page.locator("#group-members .member").count() == 3
    assert GroupBuyGroup.objects.get().status == GroupStatus.SUCCEEDED
