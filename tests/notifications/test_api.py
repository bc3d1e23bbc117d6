"""The message centre and consent through the JSON API: a user pages through their own messages
with the unread count, marks one or all read (someone else's is a 404), asks which templates to
request at a moment and reports what ``wx.requestSubscribeMessage`` answered."""

from __future__ import annotations

import pytest

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.notifications.models import NotificationTemplate, SubscriptionQuota
from fenxiao.notifications.services import notification_publish
from tests.distribution.support import make_user
from tests.notifications.support import template_id
from tests.support import Api, assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("templates")]


def api_for(user) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="user").access)


def told(user, n: int) -> None:
    for i in range(n):
        notification_publish(
            user_id=user.id,
            kind="order_shipped",
            key=f"shipment:{user.id}:{i}",
            context={"order_no": f"FX{i}", "product": "咖啡豆", "carrier": "顺丰速运", "tracking_no": f"SF{i}"},
            target_type="order",
            target_id=1000 + i,
        )


def test_the_centre_pages_newest_first_with_the_unread_count_and_marks_read():
    user, other = make_user("ann"), make_user("ben")
    told(user, 3)
    told(other, 1)
    api = api_for(user)

    page = api.get("/api/v1/notifications", {"page_size": 2}).json()
    assert page["count"] == 3 and page["unread_count"] == 3 and len(page["items"]) == 2
    newest = page["items"][0]
    assert newest["body"].startswith("您的订单 FX2") and newest["read"] is False
    assert newest["page"] == "/pages/order/detail?id=1002" and newest["url"] == "/orders/1002/"

    read = api.post(f"/api/v1/notifications/{newest['id']}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    assert api.get("/api/v1/notifications/unread-count").json() == {"unread_count": 2}
    assert api.get("/api/v1/notifications", {"unread": True}).json()["count"] == 2

    assert api.post("/api/v1/notifications/read-all").json() == {"updated": 2, "unread_count": 0}
    assert api_for(other).get("/api/v1/notifications/unread-count").json() == {"unread_count": 1}


def test_someone_elses_message_is_not_found():
    user, other = make_user("cal"), make_user("dee")
    told(other, 1)
    theirs = api_for(other).get("/api/v1/notifications").json()["items"][0]["id"]
    assert_error(api_for(user).post(f"/api/v1/notifications/{theirs}/read"), 404, "NOTIFICATION_NOT_FOUND")
    assert api_for(user).get("/api/v1/notifications").json()["count"] == 0
    assert Api().get("/api/v1/notifications").status_code == 401


def test_the_templates_of_a_moment_are_at_most_three_distinct_ids():
    user = make_user("eli")
    api = api_for(user)
    pay = api.get("/api/v1/notifications/templates", {"scene": "pay"}).json()
    assert pay["template_ids"] == [template_id(k) for k in ("order_shipped", "refund_done", "group_buy_succeeded")]
    # one template for both group-buy outcomes: asked once
    NotificationTemplate.objects.filter(kind="group_buy_failed").update(template_id=template_id("group_buy_succeeded"))
    NotificationTemplate.objects.filter(kind="refund_done").update(enabled=False)
    pay = api.get("/api/v1/notifications/templates", {"scene": "pay"}).json()
    assert pay["template_ids"] == [template_id("order_shipped"), template_id("group_buy_succeeded")]
    withdraw = api.get("/api/v1/notifications/templates", {"scene": "withdraw"}).json()
    assert [i["kind"] for i in withdraw["items"]] == ["commission_settled", "withdrawal_paid", "withdrawal_failed"]
    assert api.get("/api/v1/notifications/templates", {"scene": "apply"}).json()["items"][0]["title"]
    assert api.get("/api/v1/notifications/templates", {"scene": "lottery"}).status_code == 422


def test_reporting_the_users_answers_counts_acceptances():
    user = make_user("fay")
    api = api_for(user)
    body = {"results": {template_id("order_shipped"): "accept", template_id("refund_done"): "reject", "x": "accept"}}
    answer = api.post("/api/v1/notifications/subscriptions", body)
    assert answer.status_code == 200
    assert answer.json()["items"] == [
        {"template_id": template_id("order_shipped"), "remaining": 1},
        {"template_id": template_id("refund_done"), "remaining": 0},
    ]
    assert SubscriptionQuota.objects.filter(user=user).count() == 2
    bad = api.post("/api/v1/notifications/subscriptions", {"results": {template_id("order_shipped"): "yes"}})
    assert bad.status_code == 422
    assert Api().post("/api/v1/notifications/subscriptions", body).status_code == 401
