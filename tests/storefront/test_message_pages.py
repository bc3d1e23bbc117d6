"""消息中心 on the H5 pages: the entry and badge in 我的, the list with its unread count, opening a
message (read, then its page), 全部已读 by POST only, and someone else's message a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fenxiao.notifications.models import Notification
from fenxiao.notifications.services import notification_publish
from tests.distribution.support import make_user

pytestmark = pytest.mark.django_db


def tell(user, n: int, *, target_id: int = 7) -> list[Notification]:
    for i in range(n):
        notification_publish(
            user_id=user.id,
            kind="refund_done",
            key=f"refund:{user.id}:{i}",
            context={"order_no": f"FX{i}", "amount": "12.50元"},
            target_type="order",
            target_id=target_id,
        )
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_me_shows_the_entry_and_the_unread_badge(browser, shopper):
    page = browser.get(reverse("storefront:me")).content.decode()
    assert reverse("storefront:messages") in page and 'id="me-badge"' not in page
    tell(shopper, 2)
    page = browser.get(reverse("storefront:me")).content.decode()
    assert '<b class="badge" id="me-badge">2</b>' in page and "2 条未读" in page


def test_open_reads_the_message_and_goes_to_its_page_and_read_all_needs_a_post(browser, shopper):
    first, second = tell(shopper, 2)
    listing = browser.get(reverse("storefront:messages")).content.decode()
    assert "2 条未读" in listing and "订单 FX1 的退款 12.50元 已原路退回" in listing

    opened = browser.get(reverse("storefront:message_open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("storefront:order_detail", args=[7])
    first.refresh_from_db()
    assert first.read_at is not None

    assert browser.get(reverse("storefront:messages_read_all")).status_code == 405
    assert browser.post(reverse("storefront:messages_read_all")).status_code == 302
    second.refresh_from_db()
    assert second.read_at is not None
    assert "没有未读消息" in browser.get(reverse("storefront:messages")).content.decode()


def test_someone_elses_message_is_not_found_and_stays_unread(browser):
    (theirs,) = tell(make_user("hal"), 1)
    assert browser.get(reverse("storefront:message_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("storefront:messages"))
    assert response.status_code == 302 and reverse("storefront:login") in response["Location"]
