"""Coupon centre, seckill and group-buy pages (Django test client)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fenxiao.orders.models import Order
from fenxiao.promotions.models import GroupBuyGroup, UserCoupon
from fenxiao.promotions.seckill.activities import seckill_activity_create
from tests.order_support import mark_paid
from tests.promotions.coupons.support import make_template
from tests.promotions.group_buy.support import make_activity, open_group
from tests.promotions.group_buy.support import shopper as gb_shopper

pytestmark = pytest.mark.django_db


def test_coupon_centre_claims_in_place_and_lists_mine(browser, shopper):
    template = make_template(name="新人满减", amount_fen=2000, threshold_fen=10_000)
    page = browser.get("/coupons/").content.decode()
    assert "新人满减" in page and "立即领取" in page
    fragment = browser.post("/coupons/claim/", {"template_id": template.pk}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "已领取" in fragment.content.decode()
    assert UserCoupon.objects.filter(user=shopper, template=template).count() == 1
    assert "新人满减" in browser.get("/coupons/", {"tab": "unused"}).content.decode()


def test_claiming_past_the_limit_is_refused_with_the_services_message(browser):
    template = make_template(per_user_limit=1)
    browser.post("/coupons/claim/", {"template_id": template.pk})
    again = browser.post("/coupons/claim/", {"template_id": template.pk}, headers={"HX-Request": "true"})
    assert again["HX-Retarget"] == "#toast" and "已达" in again.content.decode()


def test_seckill_buy_places_an_order_at_the_seckill_price(browser, shopper, sku):
    now = timezone.now()
    activity = seckill_activity_create(
        fields={
            "name": "秒杀",
            "sku_id": sku.id,
            "seckill_price_fen": 990,
            "stock": 3,
            "starts_at": now - timedelta(minutes=1),
            "ends_at": now + timedelta(hours=1),
        }
    )
    assert "马上抢" in browser.get("/seckill/").content.decode()
    response = browser.post(f"/seckill/{activity.pk}/buy/")
    order = Order.objects.get(buyer=shopper)
    assert response["Location"] == f"/orders/{order.id}/pay/" and order.payable_fen == 990


def test_group_page_is_open_to_visitors_with_members_masked_and_a_countdown(sku, commit):
    activity = make_activity(sku)
    leader = gb_shopper("leader", "王大锤")
    placed = open_group(leader, activity)
    with commit():
        mark_paid(placed.order)
    group = GroupBuyGroup.objects.get()
    html = Client().get(f"/group-buy/groups/{group.pk}/").content.decode()
    assert "王**" in html and "王大锤" not in html
    assert '还差 <b class="price">2</b> 人成团' in html and "data-countdown=" in html


def test_joining_a_group_goes_to_payment_then_back_to_the_group(browser, shopper, sku, commit):
    activity = make_activity(sku)
    leader = gb_shopper("leader2")
    with commit():
        mark_paid(open_group(leader, activity).order)
    group = GroupBuyGroup.objects.get()
    response = browser.post(f"/group-buy/groups/{group.pk}/join/")
    order = Order.objects.get(buyer=shopper)
    assert response["Location"] == f"/orders/{order.id}/pay/?next=%2Fgroup-buy%2Fgroups%2F{group.pk}%2F"
    assert order.payable_fen == 5_900


def test_joining_a_missing_group_is_a_chinese_404(browser):
    response = browser.post("/group-buy/groups/999/join/")
    assert response.status_code == 404 and "不存在" in response.content.decode()


def test_a_distributor_shares_a_poster_and_a_link_carrying_their_code(sku):
    from tests.distribution.support import make_distributor

    distributor = make_distributor("sharer", real_name="李娜")
    client = Client()
    client.force_login(distributor.user)
    html = client.get(f"/products/{sku.product_id}/share/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="share-poster"' in html and f"/products/{sku.product_id}/?ref={distributor.code}" in html


def test_a_shopper_who_is_not_a_distributor_gets_the_plain_link(browser, sku):
    html = browser.get(f"/products/{sku.product_id}/share/", headers={"HX-Request": "true"}).content.decode()
    assert "share-poster" not in html and "成为分销商后可生成" in html and "?ref=" not in html


def test_a_percent_coupon_reads_as_zhe_with_its_cap(browser):
    make_template(name="全场折扣", kind="percent", amount_fen=0, percent_bps=1500, cap_fen=3000, threshold_fen=0)
    html = browser.get("/coupons/").content.decode()
    assert "<b>8.5折</b>" in html and "最高减30.00" in html
