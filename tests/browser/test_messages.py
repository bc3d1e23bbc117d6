"""消息中心 in a real browser: an order shipped and a complaint answered land in the shopper's
message centre; 我的 carries the unread badge; opening a message reads it and goes to its order;
全部已读 clears the badge."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.risk.complaints.services import complaint_create, complaint_reply
from tests.browser.support import sandbox_shopper, shelf_sku
from tests.order_support import mark_paid, place_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_message_centre_and_its_badge(phone):
    alice = sandbox_shopper("alice", "小艾同学")
    staff = User.objects.create(username="cs", is_staff=True)
    sku = shelf_sku("山茶花修护精华", price_fen=12_000)
    order = mark_paid(place_order(alice, (sku.id, 1)))
    order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF1234567890")
    complaint = complaint_create(complainant=alice, category="product", content="包装破损", order_id=order.id)
    complaint_reply(complaint_id=complaint.id, by=staff, content="已安排补发")

    from fenxiao.notifications.models import Notification

    assert Notification.objects.filter(user=alice).count() == 2
    phone.login("sandbox-alice", "/me/")
    page = phone.page
    page.wait_for_url("**/me/")
    assert page.locator("#me-badge").inner_text() == "2"
    assert "2 条未读" in page.locator("#me-messages").inner_text()

    page.click("#me-messages")
    page.wait_for_url("**/messages/")
    items = page.locator("a.message")
    assert items.count() == 2 and page.locator("a.message.unread").count() == 2
    assert "投诉有新进展" in items.nth(0).inner_text() and "已安排补发" in items.nth(0).inner_text()
    shipped = page.locator("a.message[data-kind=order_shipped]")
    assert "SF1234567890" in shipped.inner_text()

    shipped.click()
    page.wait_for_url(f"**/orders/{order.id}/")
    assert phone.open("/me/").locator("#me-badge").inner_text() == "1"

    page = phone.open("/messages/")
    assert page.locator("a.message.unread").count() == 1
    page.click("#messages-read-all")
    page.wait_for_url("**/messages/")
    assert page.locator("a.message.unread").count() == 0 and page.locator("#me-badge").count() == 0
    assert "没有未读消息" in page.locator("#messages-unread").inner_text()
    assert phone.overflow() == 0
