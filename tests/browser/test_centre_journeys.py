"""The distributor centre's journeys in a real browser (375x667): a shopper applies and an operator
approves in the Django admin; a distributor withdraws commission, the operator approves it and the
sandbox WeChat transfer pays it. Every page is watched for console errors (``phones``)."""

from __future__ import annotations

import re

import pytest

from fenxiao.distribution.centre.shop import shop_item_add
from fenxiao.distribution.models import ApplicationStatus, Distributor, DistributorApplication, Withdrawal
from fenxiao.distribution.models import WithdrawalStatus as Status
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import distributor_create
from tests.browser.support import admin_login, sandbox_shopper, shelf_sku
from tests.distribution.centre_support import settle
from tests.distribution.support import balances, make_user, paid_order, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_transfer_gateway")]


def test_a_shopper_applies_and_is_approved_by_the_operator(phones, operator):
    # given a shopper who is not a distributor
    sandbox_shopper("amy", "艾米")
    shopper = phones()
    shopper.login("sandbox-amy", "/me/")
    page = shopper.page
    page.click("#me-centre")
    page.wait_for_url(re.compile(r"/centre/$"))
    assert shopper.overflow() == 0

    # when they apply, first with a wrong phone number, then correctly
    page.fill("input[name=real_name]", "艾米")
    page.fill("input[name=phone]", "1380013")
    page.click("#apply-submit")
    page.wait_for_selector("#apply-error")
    assert page.inner_text("#apply-error") == "请填写正确的 11 位手机号"
    assert page.input_value("input[name=real_name]") == "艾米"
    page.fill("input[name=phone]", "13800138000")
    page.fill("textarea[name=reason]", "想把好用的护肤品分享给朋友")
    page.click("#apply-submit")
    page.wait_for_url(re.compile(r"/centre/$"))
    assert "申请审核中" in page.inner_text("main")
    application = DistributorApplication.objects.get(user__openid="sandbox-amy")

    # and the operator approves the application in the admin
    ops = phones()
    admin = admin_login(ops, operator, "/admin/distribution/distributorapplication/")
    admin.click(f"a[href$='/{application.pk}/step/approve/']")
    admin.click("input[type=submit][value=通过]")
    admin.wait_for_url(re.compile(rf"/distributorapplication/{application.pk}/change/"))

    # then the shopper's centre says 已通过 with their code and share link
    page = shopper.open("/centre/")
    code = Distributor.objects.get(user__openid="sandbox-amy").code
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert page.inner_text("#centre-application") == "申请已通过"
    assert page.inner_text("#centre-code") == code
    assert page.inner_text("#centre-share-link").endswith(f"/?ref={code}")
    assert shopper.overflow() == 0
    # and each of the centre's tools is drawn with an icon, not a character in a circle
    tools = page.locator(".centre-grid a")
    assert tools.count() >= 8
    for i in range(tools.count()):
        icon = tools.nth(i).locator(".ic > svg.icon")
        assert icon.count() == 1 and icon.bounding_box()["width"] == 20, tools.nth(i).inner_text()


def test_a_distributor_withdraws_and_the_sandbox_transfer_pays_it(phones, operator, commit):
    # given a distributor with ¥300 of settled commission from a real order through them
    user = sandbox_shopper("dina", "丁娜")
    distributor = distributor_create(user_id=user.id, source="apply", real_name="丁娜", phone="13800138000")
    buyer = make_user("erin")
    referral_bind(user_id=buyer.id, code=distributor.code, source="link")
    order = paid_order(commit, buyer, (shelf_sku("羊绒围巾", price_fen=300_000).id, 1))
    receive(commit, order)
    settle(order)
    assert balances(distributor).available == 30_000

    # when they ask to withdraw ¥250 to WeChat (above the ¥200 auto-approve line), after a refusal
    phone = phones()
    phone.login("sandbox-dina", "/centre/")
    page = phone.page
    assert page.inner_text("#balance-available") == "300.00"
    page.click("#centre-withdraw")
    page.wait_for_url(re.compile(r"/centre/withdraw/$"))
    page.fill("input[name=amount]", "301")
    page.click("#withdraw-submit")
    assert page.inner_text("#withdraw-error") == "可提现余额不足，当前可提现 300.00 元"
    page.fill("input[name=amount]", "250")
    page.click("#withdraw-submit")
    page.wait_for_url(re.compile(r"/centre/withdrawals/\d+/$"))
    assert page.inner_text("#withdrawal-status") == "待审核"
    withdrawal = Withdrawal.objects.get(distributor=distributor)
    assert phone.overflow() == 0

    # and the operator approves it in the admin (the WeChat transfer starts after the commit)
    ops = phones()
    admin = admin_login(ops, operator, "/admin/distribution/withdrawal/")
    admin.click(f"a[href$='/{withdrawal.pk}/step/approve/']")
    admin.click("input[type=submit][value=审核通过]")
    admin.wait_for_url(re.compile(rf"/withdrawal/{withdrawal.pk}/change/"))
    withdrawal.refresh_from_db()
    assert withdrawal.status == Status.PAYING

    # and the distributor confirms receipt (what WeChat's confirm page does, in the sandbox)
    page = phone.open(f"/centre/withdrawals/{withdrawal.pk}/")
    assert page.inner_text("#withdrawal-status") == "打款中"
    page.click("#withdrawal-confirm")
    page.wait_for_url(re.compile(rf"/centre/withdrawals/{withdrawal.pk}/$"))

    # then the centre shows it paid and the balances moved exactly
    assert page.inner_text("#withdrawal-status") == "已到账"
    page = phone.open("/centre/")
    assert page.inner_text("#balance-withdrawn") == "250.00"
    assert page.inner_text("#balance-available") == "50.00"
    assert page.inner_text("#balance-withdrawing") == "0.00"
    withdrawal.refresh_from_db()
    assert withdrawal.status == Status.PAID


def test_a_distributor_fills_their_shop_and_a_visitor_is_bound_through_it(phones):
    # given a distributor and two products on the shelf
    user = sandbox_shopper("dina", "丁娜")
    distributor = distributor_create(user_id=user.id, source="apply", real_name="丁娜", phone="13800138000")
    scarf = shelf_sku("羊绒围巾", price_fen=30_000)
    shelf_sku("真丝眼罩", price_fen=9_900)

    # when they pick the scarf for their shop
    phone = phones()
    phone.login("sandbox-dina", "/centre/shop/")
    page = phone.page
    page.click("#shop-pick")
    page.wait_for_url(re.compile(r"/centre/shop/pick/"))
    page.click(f"[data-add='{scarf.product_id}']")
    page.wait_for_selector(f"[data-product='{scarf.product_id}'] >> text=已在小店")
    page = phone.open("/centre/shop/")
    assert page.inner_text("#shop-count") == "1"
    assert phone.overflow() == 0

    # then a visitor opening the shop sees only the scarf, linked with the owner's code
    visitor = phones()
    page = visitor.open(f"/shop/{distributor.code}/")
    assert "丁*的小店" in page.inner_text("main")
    assert page.locator("#shop-products .pcard").count() == 1
    assert visitor.overflow() == 0
    page.click(f"[data-product='{scarf.product_id}']")
    page.wait_for_url(re.compile(rf"/products/{scarf.product_id}/\?ref={distributor.code}"))
    assert "羊绒围巾" in page.inner_text("main")


def test_every_centre_page_fits_the_phone_without_console_errors(phones, commit):
    # given a distributor with a member, an order through them, settled money and a shop
    user = sandbox_shopper("dina", "丁娜")
    distributor = distributor_create(user_id=user.id, source="apply", real_name="丁娜", phone="13800138000")
    buyer = make_user("欧阳娜娜", phone="13912345678")
    referral_bind(user_id=buyer.id, code=distributor.code, source="link")
    sku = shelf_sku("一款名字很长很长的羊绒围巾冬季保暖加厚礼盒装", price_fen=30_000)
    order = paid_order(commit, buyer, (sku.id, 1))
    receive(commit, order)
    settle(order)
    shop_item_add(user_id=user.id, product_id=sku.product_id)

    # when each page of the centre is opened on the phone
    phone = phones()
    phone.login("sandbox-dina", "/centre/")
    pages = {
        "/centre/": "#centre-code",
        "/centre/earnings/": "[data-commission]",
        "/centre/withdraw/": "#withdraw-form",
        "/centre/withdrawals/": "#withdrawal-list",
        "/centre/team/": "[data-member]",
        "/centre/team/?level=2": "#team-list",
        "/centre/customers/": "#customer-list",
        "/centre/orders/": "[data-order-no]",
        "/centre/rankings/": "#my-rank",
        "/centre/tier/": "#tier-current",
        "/centre/shop/": "[data-shop-item]",
        "/centre/shop/pick/": "[data-product]",
        f"/shop/{distributor.code}/": "#shop-products",
    }
    for path, landmark in pages.items():
        page = phone.open(path)
        # then it shows its content and nothing is wider than the phone
        assert page.locator(landmark).count() >= 1, path
        assert phone.overflow() == 0, path
    assert "139****5678" in phone.open("/centre/team/").inner_text("#team-list")
