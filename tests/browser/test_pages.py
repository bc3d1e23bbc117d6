"""Every main page of the H5 storefront at 375x667: it renders, logs no console error and
never scrolls sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.content.models import Banner
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request
from fenxiao.orders.cart.services import cart_item_add
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.promotions.group_buy.groups import group_open
from fenxiao.promotions.models import GroupBuyGroup
from fenxiao.promotions.seckill.activities import seckill_activity_create
from tests.browser.support import coupon, group_buy, picture, sandbox_shopper, shelf_sku
from tests.order_support import mark_paid, place_order
from tests.promotions.coupons.support import claim

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
    Banner.objects.create(title="双十二预热", subtitle="全场满199减30", link="/search/?sort=sales", position=1)
    Banner.objects.create(
        title="新品首发", link="/search/?sort=new", position=0, image=picture("banners", size=(750, 300))
    )
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
    "/search/?min_price=10&max_price=100.5&sort=sales",
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
    "/invite/",
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


def test_the_home_page_shows_the_operator_banners_and_every_picture_loads(phone, shop):
    page = phone.open("/")

    banners = page.locator(".banners .banner")
    assert banners.nth(0).get_attribute("href") == "/search/?sort=new"  # position 0 first
    assert "双十二预热" in banners.nth(1).inner_text()
    sources = page.evaluate("[...new Set([...document.images].map(i => i.src))]")
    assert any("/media/banners/" in src for src in sources) and any("/media/products/" in src for src in sources)
    for src in sources:  # lazy ones included, which the browser has not fetched yet
        answer = page.request.get(src)
        assert answer.status == 200 and answer.headers["content-type"] == "image/png", src


def test_the_price_filter_narrows_the_search_and_a_bad_price_is_explained(phone, shop):
    page = phone.open("/search/")
    page.fill("input[name=min_price]", "50")
    page.fill("input[name=max_price]", "200")
    page.locator("input[name=max_price]").press("Enter")
    page.wait_for_url("**max_price=200**")

    found = page.inner_text("main")
    assert "山茶花修护精华" in found and "竹纤维洗脸巾" not in found

    page.fill("input[name=min_price]", "abc")
    # The page answers 400 (with the form and its message), which the browser logs as a failed load.
    with page.expect_console_message(lambda m: "400" in m.text) as failed:
        page.locator("input[name=min_price]").press("Enter")
    page.wait_for_url("**min_price=abc**")
    assert "金额格式不正确" in page.inner_text("#price-error")
    assert page.input_value("input[name=max_price]") == "200"  # what was typed is kept
    phone.errors[:] = [e for e in phone.errors if not e.endswith(failed.value.text)]


def test_shopper_pages_render_after_login(phone, shop):
    phone.login("sandbox-alice")
    _visit(phone, PUBLIC + SHOPPER, shop)
    page = phone.open("/orders/{shipped}/".format(**shop))
    assert "包裹1" in page.inner_text("main") and "SF1234567890" in page.inner_text("main")


def test_me_shows_the_order_shortcuts_as_icons_with_badges_and_opens_the_invite_page(phone, shop):
    phone.login("sandbox-alice", "/me/")
    page = phone.page

    # each order shortcut is drawn with an icon the browser lays out at its size, in the text's colour
    shortcuts = page.locator(".me-orders a")
    assert shortcuts.count() == 5
    for i in range(5):
        box = shortcuts.nth(i).locator("svg.icon").bounding_box()
        assert box is not None and box["width"] >= 20 and box["height"] >= 20, shortcuts.nth(i).inner_text()
    stroke = page.evaluate("getComputedStyle(document.querySelector('.me-orders svg.icon')).stroke")
    assert stroke == page.evaluate("getComputedStyle(document.querySelector('.me-ic')).color")
    # the one unpaid order and the open after-sale wait for the shopper
    assert page.inner_text("#me-order-pending_payment .badge") == "1"
    assert page.inner_text("#me-order-after_sales .badge") == "1"
    assert page.locator("#me-order-completed .badge").count() == 0

    page.click("#me-invite")
    page.wait_for_url("**/invite/")
    assert len(page.inner_text("#invite-code")) == 8
    assert page.locator("#invite-campaign svg.icon").count() == 1
    assert phone.overflow() == 0


def test_share_dialog_opens_on_the_product_page(phone, shop):
    page = phone.open("/products/{product}/".format(**shop))
    page.click("#share-button")
    page.wait_for_selector("#share-link")
    assert "/products/" in page.inner_text("#share-link")
    assert page.locator("#share-dialog").is_visible()
