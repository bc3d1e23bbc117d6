"""The distributor centre's H5 pages through Django's test client: login first, the application
form for anyone who is not a distributor yet, money and records as the ledger has them, other
people masked, and nothing of another distributor ever shown."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import (
    ApplicationStatus,
    Distributor,
    DistributorApplication,
    Withdrawal,
    WithdrawalStatus,
)
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway
from fenxiao.orders.models import Order
from tests.catalog_factories import SkuFactory
from tests.distribution.centre_support import member, settle
from tests.distribution.support import balances, make_distributor, make_user, paid_order, receive

pytestmark = pytest.mark.django_db

DISTRIBUTOR_PAGES = [
    "centre_earnings",
    "centre_withdraw",
    "centre_withdrawals",
    "centre_team",
    "centre_customers",
    "centre_orders",
    "centre_rankings",
    "centre_tier",
    "centre_share",
    "centre_shop",
    "centre_shop_pick",
    "centre_insights",
]


@pytest.fixture(autouse=True)
def _fresh_transfer_gateway(sandbox_dir):
    reset_transfer_gateway()
    yield
    reset_transfer_gateway()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def dina(db):
    return make_distributor("dina", real_name="丁娜")


@pytest.fixture
def earned(commit, dina):
    """Dina's level-1 member bought ¥120 through her (10% = ¥12 pending), then a ¥300 order that was
    received and settled (¥30 available)."""
    buyer = member("欧阳娜娜", under=dina, phone="13912345678")
    settled = paid_order(commit, buyer, (SkuFactory(price_fen=30_000, stock=10, product__title="玫瑰面霜").id, 1))
    receive(commit, settled)
    settle(settled)
    paid_order(commit, buyer, (SkuFactory(price_fen=12_000, stock=10, product__title="山茶花精华").id, 1))
    return buyer


# -- who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["centre", *DISTRIBUTOR_PAGES])
def test_every_centre_page_sends_a_visitor_to_login_and_back(client, name):
    url = reverse(f"storefront:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("storefront:login")) and "next=" in response["Location"]


def test_a_shopper_who_is_not_a_distributor_sees_the_application_form(browser):
    page = browser.get(reverse("storefront:centre"))
    assert page.status_code == 200
    body = text(page)
    assert 'id="apply-form"' in body and "不收取任何费用" in body
    assert "推广码" not in body


@pytest.mark.parametrize("name", DISTRIBUTOR_PAGES)
def test_distributor_pages_send_a_non_distributor_to_the_application_form(browser, name):
    response = browser.get(reverse(f"storefront:{name}"))
    assert response.status_code == 302 and response["Location"] == reverse("storefront:centre")


def test_me_page_links_to_the_centre(browser):
    body = text(browser.get(reverse("storefront:me")))
    assert f'id="me-centre" href="{reverse("storefront:centre")}"' in body


# -- applying --------------------------------------------------------------------------------


def test_a_refused_application_shows_the_reason_in_chinese_and_keeps_what_was_typed(browser, shopper):
    response = browser.post(
        reverse("storefront:centre_apply"), {"real_name": "李雷", "phone": "12345", "reason": "想分享"}
    )
    assert response.status_code == 200
    body = text(response)
    assert "请填写正确的 11 位手机号" in body and 'value="李雷"' in body and "想分享" in body
    assert not DistributorApplication.objects.filter(user=shopper).exists()


def test_an_application_waits_for_review_and_cannot_be_sent_twice(browser, shopper):
    form = {"real_name": "李雷", "phone": "13812345678", "reason": "想分享"}
    response = browser.post(reverse("storefront:centre_apply"), form)
    assert response.status_code == 302
    body = text(browser.get(reverse("storefront:centre")))
    assert "申请审核中" in body and 'id="apply-form"' not in body

    again = browser.post(reverse("storefront:centre_apply"), form)
    assert again.status_code == 200 and "您的申请正在审核中" in text(again)
    assert DistributorApplication.objects.filter(user=shopper).count() == 1


def test_a_rejected_applicant_sees_why_and_may_apply_again(browser, shopper):
    DistributorApplication.objects.create(
        user=shopper, real_name="李雷", phone="13812345678", status=ApplicationStatus.REJECTED, reject_reason="资料不全"
    )
    body = text(browser.get(reverse("storefront:centre")))
    assert "申请未通过" in body and "资料不全" in body and 'id="apply-form"' in body


def test_under_the_everyone_policy_an_application_makes_a_distributor_at_once(browser, shopper):
    settings_update(actor_id=None, changes={"become_policy": "everyone"})
    browser.post(reverse("storefront:centre_apply"), {"real_name": "李雷", "phone": "13812345678"})
    code = Distributor.objects.get(user=shopper).code
    body = text(browser.get(reverse("storefront:centre")))
    assert code in body and "申请已通过" in body and f"?ref={code}" in body


def test_the_application_page_says_how_one_becomes_a_distributor_and_shows_spend_progress(browser, shopper):
    body = text(browser.get(reverse("storefront:centre")))
    assert 'data-policy="apply"' in body and "平台审核通过后即可成为分销商" in body
    assert "不收取任何费用" in body and 'id="join-spend"' not in body

    settings_update(actor_id=None, changes={"become_policy": "spend", "spend_threshold_fen": 50_000})
    body = text(browser.get(reverse("storefront:centre")))
    assert 'data-policy="spend"' in body and "累计消费满 500.00 元自动成为分销商" in body
    assert "¥0.00 / ¥500.00" in body and '<progress max="50000" value="0">' in body


# -- money -----------------------------------------------------------------------------------


def test_front_page_shows_the_four_balances_from_the_ledger(dina, earned):
    body = text(client_for(dina.user).get(reverse("storefront:centre")))
    held = balances(dina)
    assert (held.pending, held.available) == (1_200, 3_000)
    assert re.search(r'id="balance-available">30\.00<', body)
    assert re.search(r'id="balance-pending">12\.00<', body)
    assert re.search(r'id="balance-withdrawing">0\.00<', body)
    assert dina.code in body


def test_earnings_list_each_record_with_when_it_settles(dina, earned):
    client = client_for(dina.user)
    body = text(client.get(reverse("storefront:centre_earnings")))
    assert "玫瑰面霜" in body and "山茶花精华" in body
    assert "确认收货后 7 天结算" in body  # the unreceived order's record
    pending_only = text(client.get(reverse("storefront:centre_earnings"), {"status": "pending"}))
    assert "山茶花精华" in pending_only and "玫瑰面霜" not in pending_only
    order = Order.objects.get(lines__product_title="玫瑰面霜")
    assert order.order_no not in body  # order numbers are masked


def test_withdraw_form_errors_are_shown_in_chinese_with_the_values_kept(dina, earned):
    client = client_for(dina.user)
    url = reverse("storefront:centre_withdraw")
    cases = [
        ({"amount": "abc", "method": "wechat"}, "请输入正确的提现金额"),
        ({"amount": "0.5", "method": "wechat"}, "单笔提现不能低于 1.00 元"),
        ({"amount": "31", "method": "wechat"}, "可提现余额不足，当前可提现 30.00 元"),
        ({"amount": "10", "method": "bank", "bank_name": "招商银行"}, "银行卡提现请填写开户行、户名和卡号"),
        ({"amount": "10", "method": "cash"}, "提现方式只能是 wechat 或 bank"),
    ]
    for form, message in cases:
        response = client.post(url, form)
        assert response.status_code == 200, form
        body = text(response)
        assert message in body, form
        assert f'value="{form["amount"]}"' in body
    assert not Withdrawal.objects.exists()
    assert balances(dina).available == 3_000


def test_a_small_withdrawal_is_transferred_and_paid_once_the_payee_confirms(commit, dina, earned):
    client = client_for(dina.user)
    with commit():
        response = client.post(reverse("storefront:centre_withdraw"), {"amount": "20.00", "method": "wechat"})
    withdrawal = Withdrawal.objects.get(distributor=dina)
    assert response.status_code == 302
    assert response["Location"] == reverse("storefront:centre_withdrawal", args=[withdrawal.pk])
    assert withdrawal.amount_fen == 2_000 and withdrawal.status == WithdrawalStatus.PAYING

    detail = text(client.get(response["Location"]))
    assert "打款中" in detail and 'id="withdrawal-confirm"' in detail
    with commit():
        client.post(reverse("storefront:centre_withdrawal_confirm", args=[withdrawal.pk]))

    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PAID
    body = text(client.get(reverse("storefront:centre")))
    assert re.search(r'id="balance-withdrawn">20\.00<', body) and re.search(r'id="balance-available">10\.00<', body)
    assert "已到账" in text(client.get(reverse("storefront:centre_withdrawals")))


def test_another_distributors_withdrawal_is_not_found(dina, earned):
    withdrawal = withdrawal_request(user_id=dina.user_id, amount_fen=1_000, method="bank", bank={
        "bank_name": "招商银行", "bank_account_name": "丁娜", "bank_account_no": "6225880012345678"})  # fmt: skip
    other = client_for(make_distributor("otto").user)
    assert other.get(reverse("storefront:centre_withdrawal", args=[withdrawal.pk])).status_code == 404
    confirm = other.post(reverse("storefront:centre_withdrawal_confirm", args=[withdrawal.pk]))
    assert confirm.status_code == 404
    assert "6225880012345678" not in text(other.get(reverse("storefront:centre_withdrawals")))
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.APPROVED


# -- people ----------------------------------------------------------------------------------


def test_team_shows_level_one_and_two_masked_and_only_my_own(commit, dina):
    mid = make_distributor("milo", under=dina, real_name="米洛")
    member("欧阳娜娜", under=dina, phone="13912345678")
    member("高飞", under=mid, phone="13700001111")
    stranger_boss = make_distributor("zed")
    member("西娜", under=stranger_boss, phone="13655556666")

    client = client_for(dina.user)
    level1 = text(client.get(reverse("storefront:centre_team")))
    assert "139****5678" in level1 and "13912345678" not in level1
    assert "欧***" in level1 and "欧阳娜娜" not in level1
    assert "高*" not in level1 and "西*" not in level1
    level2 = text(client.get(reverse("storefront:centre_team"), {"level": 2}))
    assert "137****1111" in level2 and "高*" in level2 and "欧***" not in level2
    assert "西*" not in level2 and "136****6666" not in level2


def test_customers_and_orders_are_masked_and_scoped_to_me(commit, dina, earned):
    other = make_distributor("zed")
    outsider = member("西娜", under=other, phone="13655556666")
    paid_order(commit, outsider, (SkuFactory(price_fen=5_000, stock=10, product__title="别家的护手霜").id, 1))

    client = client_for(dina.user)
    customers = text(client.get(reverse("storefront:centre_customers")))
    assert "欧***" in customers and "欧阳娜娜" not in customers and "西*" not in customers
    orders = text(client.get(reverse("storefront:centre_orders")))
    assert "玫瑰面霜" in orders and "山茶花精华" in orders and "别家的护手霜" not in orders
    for order in Order.objects.filter(buyer=earned):
        assert order.order_no not in orders
    settled = text(client.get(reverse("storefront:centre_orders"), {"status": "settled"}))
    assert "玫瑰面霜" in settled and "山茶花精华" not in settled


def test_rankings_and_tier_count_real_sales(dina, earned):
    client = client_for(dina.user)
    rankings = text(client.get(reverse("storefront:centre_rankings")))
    assert "第 1 名" in rankings and "（我）" in rankings
    by_sales = text(client.get(reverse("storefront:centre_rankings"), {"by": "sales", "period": "month"}))
    assert "¥420.00" in by_sales  # level-1 sales of both orders this month
    tier = text(client.get(reverse("storefront:centre_tier")))
    assert "当前等级：普通" in tier and "¥300.00" in tier  # only the settled order counts toward a tier
    assert "邀请他人成为分销商、发展下级不计入升级条件" in tier


def test_share_page_gives_link_code_and_a_product_poster(dina, sku):
    client = client_for(dina.user)
    body = text(client.get(reverse("storefront:centre_share")))
    assert f"/?ref={dina.code}" in body and f"/shop/{dina.code}/?ref={dina.code}" in body
    assert 'id="share-wxacode"' in body and 'id="share-poster"' not in body
    with_poster = text(client.get(reverse("storefront:centre_share"), {"product": sku.product_id}))
    assert 'id="share-poster"' in with_poster and f"/products/{sku.product_id}/?ref={dina.code}" in with_poster


def test_a_suspended_distributor_keeps_seeing_money_but_cannot_share(dina, earned):
    from fenxiao.distribution.network.enrolment import distributor_suspend

    staff = make_user("ops", is_staff=True)
    distributor_suspend(distributor_id=dina.id, actor_id=staff.id, reason="投诉核查")
    client = client_for(dina.user)
    body = text(client.get(reverse("storefront:centre")))
    assert "已暂停" in body and "投诉核查" in body and 'id="centre-share-link"' not in body
    share = client.get(reverse("storefront:centre_share"))
    assert share.status_code == 403 and "您的分销资格已暂停" in text(share)
