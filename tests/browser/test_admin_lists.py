"""The operators' lists fit a laptop: at 1366x768, with the admin's menu and filters open and
rows holding the longest things a real shop has (24-digit order numbers, 28-character openids,
long product titles and application reasons, fees and bank cards), no list scrolls sideways,
neither the page nor the table inside it."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import application_submit, distributor_create
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request
from tests.browser.support import admin_login, shelf_sku
from tests.distribution.console.support import BANK, seed_available
from tests.distribution.support import paid_order
from tests.order_support import address_for, place_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_transfer_gateway")]

LAPTOP = {"width": 1366, "height": 768}
LISTS = {
    "orders": "/admin/orders/order/",
    "after-sales": "/admin/orders/aftersale/",
    "commission records": "/admin/distribution/commissionrecord/",
    "withdrawals": "/admin/distribution/withdrawal/?status=all",
    "distributors": "/admin/distribution/distributor/",
    "applications": "/admin/distribution/distributorapplication/?status=all",
    "products": "/admin/catalog/product/",
    "users": "/admin/accounts/user/",
}
WIDTHS = """() => {
  const results = document.querySelector("#changelist .results");
  return {
    page: document.documentElement.scrollWidth,
    table: results ? results.scrollWidth : 0,
    room: results ? results.clientWidth : 0,
    rows: document.querySelectorAll("#result_list tbody tr").length,
  };
}"""


def wechat_user(n: int, nickname: str) -> User:
    """A user as WeChat login makes one: a 28-character openid, the username made from it."""
    openid = f"oUpF8uMuAJO_M2pxb1Q9zNjWe{n:03d}"
    user = User(username=f"wx_{openid}", openid=openid, nickname=nickname, phone=f"1381234{n:04d}")
    user.set_unusable_password()
    user.save()
    address_for(user, receiver="欧阳晓明", phone=f"1391234{n:04d}")
    return user


@pytest.fixture
def busy_shop(commit, operator):
    """One of each row every list shows, each as long as real rows get."""
    boss = distributor_create(
        user_id=wechat_user(1, "上海徐汇区好物分享官").id, source="apply", real_name="欧阳娜娜", phone="13800000001"
    )
    settings_update(actor_id=None, changes={"withdraw_fee_bps": 100, "withdraw_fee_min_fen": 100})
    seller_user = wechat_user(2, "广州天河区宝妈团购群主")
    referral_bind(user_id=seller_user.id, code=boss.code, source="link")
    seller = distributor_create(user_id=seller_user.id, source="apply", real_name="", phone="13800000002")
    buyer = wechat_user(3, "一个名字很长很长的微信用户")
    referral_bind(user_id=buyer.id, code=seller.code, source="link")
    sku = shelf_sku("山茶花修护精华液 敏感肌可用 温和补水保湿 30ml×2 瓶 送同款旅行装小样 限时特惠", price_fen=129_900)
    for _ in range(3):
        order = paid_order(commit, buyer, (sku.id, 2))
    place_order(buyer, (sku.id, 1))
    aftersale_request(
        order_id=order.id,
        buyer=buyer,
        kind="refund_only",
        reason="不想要了",
        lines=[AfterSaleLineRequest(order.lines.get().id, 1)],
    )
    seed_available(seller, 1_000_000)
    withdrawal_request(user_id=seller.user_id, amount_fen=388_800, method="bank", bank=BANK)
    withdrawal_request(user_id=seller.user_id, amount_fen=50_000, method="wechat")
    application_submit(
        user_id=wechat_user(4, "想做分销的宝妈").id,
        real_name="司马相如",
        phone="13800000004",
        reason="我在小区里有三个五百人的宝妈群，平时经常分享母婴和护肤好物，希望成为分销商，" * 3,
    )


def test_every_operator_list_fits_a_1366_window(phones, operator, busy_shop):
    laptop = phones()
    laptop.page.set_viewport_size(LAPTOP)
    page = admin_login(laptop, operator, "/admin/")

    for name, path in LISTS.items():
        page.goto(f"{laptop.base_url}{path}")
        page.wait_for_load_state("networkidle")
        widths = page.evaluate(WIDTHS)
        assert widths["rows"] >= 1, f"{name}: no rows, nothing measured"
        assert widths["page"] <= LAPTOP["width"], f"{name}: the page is {widths['page']}px wide"
        assert widths["table"] <= widths["room"], f"{name}: the table needs {widths['table']}px of {widths['room']}"


def test_the_orders_list_names_the_referrer_at_that_width(phones, operator, busy_shop):
    laptop = phones()
    laptop.page.set_viewport_size(LAPTOP)
    page = admin_login(laptop, operator, "/admin/orders/order/")

    cells = page.locator("#result_list td.field-referrer").all_inner_texts()

    assert cells.count("广州天河区宝妈团购群主") == 4  # no real name: the nickname
    assert page.locator("#result_list td.field-referrer a").first.is_visible()
