"""The operator's pages: a template's mapping is checked against WeChat's keyword rules before it
is saved (and the change audit-logged); the outbox lists what was sent, failed or skipped, and why."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.notifications.models import NotificationTemplate
from fenxiao.notifications.services import notification_publish
from fenxiao.risk.models import AuditEntry
from tests.distribution.support import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(django_user_model) -> Client:
    boss = django_user_model.objects.create(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(boss)
    return client


def test_a_template_with_a_bad_mapping_is_refused_and_a_good_one_is_saved_and_audited(admin_client):
    url = "/admin/notifications/notificationtemplate/add/"
    bad = {"kind": "order_shipped", "enabled": "on", "template_id": "T1", "fields": '{"title1": "{nope}"}'}
    page = admin_client.post(url, bad)
    assert page.status_code == 200 and "不是微信订阅消息的关键词" in page.content.decode()
    assert not NotificationTemplate.objects.exists()

    good = {**bad, "fields": '{"character_string1": "{order_no}", "thing2": "{product}"}'}
    assert admin_client.post(url, good).status_code == 302
    saved = NotificationTemplate.objects.get()
    assert saved.fields["thing2"] == "{product}"
    assert AuditEntry.objects.filter(action="notifications.template_add", target_id=str(saved.pk)).exists()
    change = admin_client.get(f"/admin/notifications/notificationtemplate/{saved.pk}/change/").content.decode()
    assert "{tracking_no} 运单号" in change


def test_the_outbox_shows_why_a_message_was_not_sent(admin_client, commit):
    user = make_user("gus")
    with commit():
        notification_publish(user_id=user.id, kind="order_shipped", key="shipment:1", context={"order_no": "FX1"})
    listing = admin_client.get("/admin/notifications/outboxmessage/").content.decode()
    assert "未配置订阅消息模板" in listing and "未发送" in listing


def test_an_outbox_row_shows_its_data_and_a_masked_openid(admin_client, commit, templates):
    from fenxiao.notifications.models import OutboxMessage
    from tests.notifications.support import consent

    user = make_user("ivy")
    consent(user, "order_shipped")
    with commit():
        context = {"order_no": "FX9", "product": "咖啡豆", "carrier": "顺丰速运", "tracking_no": "SF9", "time": "15:04"}
        notification_publish(user_id=user.id, kind="order_shipped", key="shipment:9", context=context)
    row = OutboxMessage.objects.get(user=user)
    page = admin_client.get(f"/admin/notifications/outboxmessage/{row.pk}/change/").content.decode()
    assert "沙箱已记录" in page and "FX9" in page and "openid***" in page and "openid-ivy" not in page
