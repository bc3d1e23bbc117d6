"""Consent accounting: each acceptance allows one message of its template; no consent, no
template, no openid or data WeChat would refuse means no WeChat message, with the reason in the
outbox, while the message centre always gets the message; an event told twice counts once."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.notifications.models import Notification, NotificationTemplate, OutboxStatus, SubscriptionQuota
from fenxiao.notifications.services import (
    MAX_QUOTA,
    REASON_DISABLED,
    REASON_NO_CONSENT,
    REASON_NO_OPENID,
    REASON_NO_TEMPLATE,
    notification_publish,
    subscription_report,
)
from tests.distribution.support import make_user
from tests.notifications.support import consent, template_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("templates")]
CONTEXT = {"order_no": "FX1", "product": "咖啡豆", "carrier": "顺丰速运", "tracking_no": "SF1", "time": "15:04"}


def publish(user, key: str, commit, kind: str = "order_shipped", **context):
    with commit():
        return notification_publish(user_id=user.id, kind=kind, key=key, context={**CONTEXT, **context})


def quota(user, kind: str = "order_shipped") -> int:
    row = SubscriptionQuota.objects.filter(user=user, template_id=template_id(kind)).first()
    return row.remaining if row else 0


def test_a_one_time_acceptance_allows_exactly_one_message(commit):
    user = make_user("una")
    consent(user, "order_shipped")
    assert quota(user) == 1

    publish(user, "shipment:1", commit)
    publish(user, "shipment:2", commit)

    statuses = list(
        Notification.objects.filter(user=user).order_by("id").values_list("outbox__status", "outbox__reason")
    )
    assert statuses == [(OutboxStatus.RECORDED, statuses[0][1]), (OutboxStatus.SKIPPED, REASON_NO_CONSENT)]
    assert quota(user) == 0


def test_acceptances_add_up_and_refusals_are_counted(db):
    user = make_user("vic")
    subscription_report(
        user=user, results={template_id("order_shipped"): "accept", template_id("refund_done"): "reject"}
    )
    items = subscription_report(user=user, results={template_id("order_shipped"): "accept", "not-ours": "accept"})
    assert [(q.template_id, q.remaining) for q in items] == [(template_id("order_shipped"), 2)]
    refused = SubscriptionQuota.objects.get(user=user, template_id=template_id("refund_done"))
    assert refused.remaining == 0 and refused.refused_total == 1
    assert not SubscriptionQuota.objects.filter(template_id="not-ours").exists()
    for _ in range(MAX_QUOTA + 5):
        consent(user, "order_shipped")
    assert quota(user) == MAX_QUOTA


def test_no_consent_skips_wechat_but_the_centre_has_the_message(commit):
    user = make_user("wes")
    publish(user, "shipment:1", commit)
    (message,) = Notification.objects.filter(user=user)
    assert message.outbox.get().status == OutboxStatus.SKIPPED and message.outbox.get().reason == REASON_NO_CONSENT


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda: NotificationTemplate.objects.filter(kind="order_shipped").delete(), REASON_NO_TEMPLATE),
        (lambda: NotificationTemplate.objects.filter(kind="order_shipped").update(template_id=""), REASON_NO_TEMPLATE),
        (lambda: NotificationTemplate.objects.filter(kind="order_shipped").update(enabled=False), REASON_DISABLED),
        (lambda: User.objects.filter(username="wx_xia").update(openid=None), REASON_NO_OPENID),
    ],
)
def test_without_a_template_or_an_openid_nothing_is_sent_and_no_consent_is_used(commit, setup, reason):
    user = make_user("xia")
    consent(user, "order_shipped")
    setup()
    publish(user, "shipment:1", commit)
    row = Notification.objects.get(user=user).outbox.get()
    assert row.status == OutboxStatus.SKIPPED and row.reason == reason
    assert quota(user) == 1


def test_data_wechat_would_refuse_fails_before_a_consent_is_used(commit):
    NotificationTemplate.objects.filter(kind="order_shipped").update(fields={"phrase1": "{carrier}"})
    user = make_user("yan")
    consent(user, "order_shipped")
    publish(user, "shipment:1", commit, carrier="SF Express")
    row = Notification.objects.get(user=user).outbox.get()
    assert row.status == OutboxStatus.FAILED and row.reason.startswith("模板数据不合规：phrase1")
    assert quota(user) == 1


def test_an_event_told_twice_writes_one_message_and_uses_one_consent(commit):
    user = make_user("zed")
    consent(user, "order_shipped", times=3)
    assert publish(user, "shipment:7", commit) is not None
    assert publish(user, "shipment:7", commit) is None
    assert Notification.objects.filter(user=user).count() == 1 and quota(user) == 2
