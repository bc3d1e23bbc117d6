"""Cart, checkout, payment and orders through the H5 pages (Django test client)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fenxiao.orders.models import CartItem, Order, OrderStatus
from tests.factories import UserFactory
from tests.order_support import address_for, mark_paid, place_order
from tests.promotions.coupons.support import claim, make_template

pytestmark = pytest.mark.django_db


def test_product_page_shows_gallery_specs_stock_and_price(client, sku):
    html = client.get(f"/products/{sku.product_id}/").content.decode()
    assert "山茶花精华" in html and "<span data-sku-price>120.00</span>" in html and "库存 50 件" in html
    assert 'data-spec="规格"' in html and "sku-data" in html


def test_off_shelf_product_is_a_404_page_in_chinese(client, sku):
    sku.product.is_on_shelf = False
    sku.product.save()
    response = client.get(f"/products/{sku.product_id}/")
    assert response.status_code == 404 and "商品不存在" in response.content.decode()


def test_search_filters_by_keyword_and_refuses_an_overlong_query(client, sku):
    assert "山茶花精华" in client.get("/search/", {"q": "山茶花", "sort": "price"}).content.decode()
    assert "没有找到相关商品" in client.get("/search/", {"q": "不存在的词"}).content.decode()
    response = client.get("/search/", {"q": "长" * 51})
    assert response.status_code == 400 and "搜索关键词不能超过 50 个字" in response.content.decode()


def test_add_to_cart_then_change_quantity_with_htmx(browser, shopper, sku):
    response = browser.post("/cart/add/", {"sku_id": sku.id, "quantity": 2, "action": "cart", "next": "/cart/"})
    assert response.status_code == 302
    item = CartItem.objects.get(user=shopper)
    assert item.quantity == 2
    fragment = browser.post(f"/cart/items/{item.id}/", {"quantity": 3}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "¥360.00" in fragment.content.decode()


def test_cart_refusal_is_shown_as_a_chinese_toast(browser, sku):
    browser.post("/cart/add/", {"sku_id": sku.id, "quantity": 1, "action": "cart"})
    item = CartItem.objects.get()
    answer = browser.post(f"/cart/items/{item.id}/", {"quantity": 51}, headers={"HX-Request": "true"})
    assert answer["HX-Retarget"] == "#toast"
    assert "库存不足" in answer.content.decode()


def test_add_to_cart_without_a_sku_says_what_is_missing(browser):
    response = browser.post("/cart/add/", {"sku_id": "", "quantity": 1}, follow=True)
    assert "商品规格不正确" in response.content.decode()


def test_someone_elses_cart_item_is_not_found(browser, sku):
    other = UserFactory()
    other_client = Client()
    other_client.force_login(other)
    other_client.post("/cart/add/", {"sku_id": sku.id, "quantity": 1, "action": "cart"})
    item = CartItem.objects.get(user=other)
    answer = browser.post(f"/cart/items/{item.id}/delete/", headers={"HX-Request": "true"})
    assert "购物车中没有该商品" in answer.content.decode()
    assert CartItem.objects.filter(pk=item.pk).exists()


def test_checkout_with_a_coupon_places_the_order_and_sandbox_pays_it(browser, shopper, sku):
    template = make_template(amount_fen=2000, threshold_fen=10_000)
    coupon = claim(shopper, template)
    browser.post("/cart/add/", {"sku_id": sku.id, "quantity": 1, "action": "cart"})
    page = browser.get("/checkout/", {"from_cart": "1", "coupon": str(coupon.id)}).content.decode()
    assert "¥100.00" in page  # 120.00 - 20.00, shipping free without templates
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    response = browser.post(
        "/checkout/submit/",
        {"from_cart": "1", "coupon": str(coupon.id), "idempotency_key": key, "address_id": shopper.addresses.get().id},
    )
    order = Order.objects.get(buyer=shopper)
    assert response["Location"] == f"/orders/{order.id}/pay/"
    assert order.payable_fen == 10_000 and order.discount_fen == 2_000
    assert not CartItem.objects.filter(user=shopper).exists()
    paid = browser.post(f"/orders/{order.id}/pay/")
    assert paid.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    to_ship = browser.get("/orders/", {"tab": "to_ship"}).content.decode()
    assert order.order_no in to_ship


def test_checkout_without_an_address_asks_for_one_and_submit_is_refused(sku):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    page = client.get("/checkout/", {"lines": f"{sku.id}:1"}).content.decode()
    assert "请添加收货地址" in page
    response = client.post("/checkout/submit/", {"lines": f"{sku.id}:1"}, follow=True)
    assert "请选择收货地址" in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_with_garbled_lines_says_so(browser):
    response = browser.get("/checkout/", {"lines": "abc"})
    assert response.status_code == 400 and "商品参数格式应为 sku_id:数量" in response.content.decode()


def test_another_users_order_is_a_404_on_every_order_page(browser, sku):
    other = UserFactory()
    address_for(other)
    order = place_order(other, (sku.id, 1))
    for path in (f"/orders/{order.id}/", f"/orders/{order.id}/pay/", f"/orders/{order.id}/after-sale/"):
        response = browser.get(path)
        assert response.status_code == 404 and "订单不存在" in response.content.decode()
    browser.post(f"/orders/{order.id}/pay/")
    browser.post(f"/orders/{order.id}/cancel/")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_order_tabs_show_counts_and_an_unknown_tab_is_refused(browser, shopper, sku):
    place_order(shopper, (sku.id, 1))
    page = browser.get("/orders/").content.decode()
    assert "待付款<sup>1</sup>" in page
    response = browser.get("/orders/", {"tab": "nonsense"})
    assert response.status_code == 400 and "订单状态筛选不正确" in response.content.decode()


def test_cancel_a_pending_order_from_its_page(browser, shopper, sku):
    order = place_order(shopper, (sku.id, 1))
    browser.post(f"/orders/{order.id}/cancel/")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_cancelling_an_order_the_buyer_already_paid_at_wechat_shows_it_paid(browser, shopper, sku):
    from fenxiao.integrations.wechat.pay.factory import pay_gateway
    from fenxiao.payments.services import payment_description, payment_prepare

    order = place_order(shopper, (sku.id, 1))
    payment = payment_prepare(
        order_id=order.pk, payer_openid="o-h5", description=payment_description(order.order_no)
    ).payment
    pay_gateway().complete_payment(payment.out_trade_no)  # paid; the notification is still on its way

    page = browser.post(f"/orders/{order.id}/cancel/", follow=True).content.decode()

    assert "订单已付款或已关闭，无法取消" in page
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_after_sale_application_and_progress(browser, shopper, sku):
    order = mark_paid(place_order(shopper, (sku.id, 2)))
    line = order.lines.get()
    form = browser.get(f"/orders/{order.id}/after-sale/").content.decode()
    assert "山茶花精华" in form
    refused = browser.post(
        f"/orders/{order.id}/after-sale/", {"kind": "refund_only", "line": line.id, f"qty_{line.id}": 1}, follow=True
    )
    assert "请选择售后原因" in refused.content.decode()
    response = browser.post(
        f"/orders/{order.id}/after-sale/",
        {"kind": "refund_only", "reason": "不想要了", "line": line.id, f"qty_{line.id}": 1},
        follow=True,
    )
    html = response.content.decode()
    assert "待审核" in html and "提交售后申请" in html and "¥120.00" in html
    assert "售后" in browser.get("/after-sales/").content.decode()


def test_address_form_refuses_a_bad_phone_in_chinese(browser):
    response = browser.post(
        "/addresses/new/",
        {
            "receiver": "李四",
            "phone": "123",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "detail": "文三路 90 号",
        },
    )
    assert response.status_code == 400 and "请输入 11 位手机号" in response.content.decode()


def test_new_address_from_checkout_comes_back_with_it_chosen(sku):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    next_url = f"/checkout/?lines={sku.id}%3A1"
    response = client.post(
        "/addresses/new/",
        {
            "receiver": "李四",
            "phone": "13912345678",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "detail": "文三路 90 号",
            "next": next_url,
        },
    )
    address = user.addresses.get()
    assert response["Location"].startswith("/checkout/") and f"address_id={address.id}" in response["Location"]
