"""Every main page of the H5 storefront at 375x667: it renders, logs no console error and
never scrolls sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.orders.aftersales import AfterSaleLineRequest, aftersale_request
from fenxiao.orders.cart import cart_item_add
from fenxiao.orders.shipping import order_ship
from fenxiao.promotions.group_buy import group_open
from fenxiao.promotions.models import GroupBuyGroup
from fenxiao.promotions.seckill_activities import seckill_activity_create
from tests.browser.support import coupon, group_buy, sandbox_shopper, shelf_sku
from tests.order_support import mark_paid, place_order
from tests.promotions.support import claim

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    """A shopper with one order of each kind the pages show, and one of each activity."""
    alice = sandbox_shopper("alice", "小艾同学")
    sku = shelf_sku("山茶花修护精华，敏感肌可用的长标题商品名称用来测试换行", price_fen=12_000)
    other = shelf_sku("竹纤维洗脸巾", price_fen=2_990)
    now = timezone.now()
    seckill_activity_create(
        fields={
            "name": "整点秒杀",
            "sku_id": other.id,
            "seckill_price_fen": 990,
            "stock": 10,
            "starts_at": now - timedelta(minutes=5),
            "ends_at": now + timedelta(hours=2),
        }
    )
    activity = group_buy(shelf_sku("拼团电动牙刷", price_fen=8_800))
    leader = sandbox_shopper("bob", "阿博爸爸")
    mark_paid(group_open(user=leader, activity_id=activity.pk).order)
    claim(alice, coupon())
    cart_item_add(user_id=alice.pk, sku_id=sku.id, quantity=1)
    pending = place_order(alice, (other.id, 1))
    shipped = mark_paid(place_order(alice, (sku.id, 2)))
    order_ship(order_id=shipped.id, by=None, carrier_code="SF", tracking_no="SF1234567890")
    paid = mark_paid(place_order(alice, (other.id, 2)))
    line = paid.lines.get()
    after_sale = aftersale_request(
        order_id=paid.id, buyer=alice, kind="refund_only", reason="不想要了", lines=[AfterSaleLineRequest(line.id, 1)]
    )
    return {
        "product": sku.product_id,
        "activity": activity.pk,
        "group": GroupBuyGroup.objects.get().pk,
        "pending": pending.id,
        "shipped": shipped.id,
        "paid": paid.id,
        "after_sale": after_sale.id,
    }


PUBLIC = [
    "/",
    "/category/",
    "/search/",
    "/search/?q=精华&sort=price",
    "/products/{product}/",
    "/seckill/",
    "/group-buy/",
    "/group-buy/{activity}/",
    "/group-buy/groups/{group}/",
    "/login/",
]
SHOPPER = [
    "/cart/",
    "/checkout/?from_cart=1",
    "/orders/",
    "/orders/?tab=pending_payment",
    "/orders/?tab=to_ship",
    "/orders/?tab=to_receive",
    "/orders/?tab=completed",
    "/orders/?tab=after_sales",
    "/orders/{shipped}/",
    "/orders/{pending}/pay/",
    "/orders/{paid}/after-sale/",
    "/after-sales/",
    "/after-sales/{after_sale}/",
    "/coupons/",
    "/coupons/?tab=unused",
    "/group-buy/mine/",
    "/me/",
    "/addresses/",
    "/addresses/new/",
]


def _visit(phone, paths: list[str], ids: dict) -> None:
    for template in paths:
        path = template.format(**ids)
        page = phone.open(path)
        assert page.title().endswith("分销商城"), path
        assert page.locator("main").inner_text().strip(), path
        assert phone.overflow() == 0, f"{path} scrolls sideways by {phone.overflow()}px"


def test_public_pages_render_for_a_visitor(phone, shop):
    _visit(phone, PUBLIC, shop)


def test_shopper_pages_render_after_login(phone, shop):
    phone.login("sandbox-alice")
    _visit(phone, PUBLIC + SHOPPER, shop)
    page = phone.open("/orders/{shipped}/".format(**shop))
    assert "包裹1" in page.inner_text("main") and "SF1234567890" in page.inner_text("main")


def test_share_dialog_opens_on_the_product_page(phone, shop):
    page = phone.open("/products/{product}/".format(**shop))
    page.click("#share-button")
    page.wait_for_selector("#share-link")
    assert "/products/" in page.inner_text("#share-link")
    assert page.locator("#share-dialog").is_visible()
