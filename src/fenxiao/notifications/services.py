"""Writing messages: one per event and user in the message centre, and the WeChat send it may
queue; the user's consents; marking read.

``notification_publish`` is what every event handler calls. In one transaction it writes the
message and decides the WeChat side, recording why when nothing is sent (no template, no openid,
no consent, data WeChat would refuse). A send is queued only after a consent was taken, and the
HTTP call happens after commit in a task (``tasks.outbox_send_task``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.notifications.catalogue import KINDS, centre_text, message_data
from fenxiao.notifications.keywords import KeywordError
from fenxiao.notifications.models import (
    Notification,
    NotificationTemplate,
    OutboxMessage,
    OutboxStatus,
    SubscriptionQuota,
)
from fenxiao.notifications.targets import miniprogram_page

logger = logging.getLogger(__name__)

# A user tapping "accept" again and again piles up consents; more than this many waiting for one
# template means nothing real.
MAX_QUOTA = 50
ACCEPT = "accept"

REASON_NO_TEMPLATE = "未配置订阅消息模板（仅站内消息）"
REASON_DISABLED = "该类消息已关闭订阅消息（仅站内消息）"
REASON_NO_OPENID = "用户未在小程序登录，没有 openid"
REASON_NO_CONSENT = "用户未订阅该模板，或订阅次数已用完"


@transaction.atomic
def notification_publish(
    *,
    user_id: int,
    kind: str,
    key: str,
    context: Mapping[str, str],
    target_type: str = "",
    target_id: int | None = None,
) -> Notification | None:
    """The message of event ``key`` for the user, and its WeChat send if they consented. Returns
    None when this event was told to the user before (a replayed event changes nothing)."""
    spec = KINDS[kind]
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user_id=user_id,
                kind=kind,
                key=key[:96],
                title=spec.label,
                body=centre_text(kind, context)[:500],
                target_type=target_type,
                target_id=target_id,
            )
    except IntegrityError:
        return None
    outbox = _outbox_for(notification, context)
    if outbox.status == OutboxStatus.PENDING:
        transaction.on_commit(partial(_enqueue, outbox.pk))
    return notification


def _outbox_for(notification: Notification, context: Mapping[str, str]) -> OutboxMessage:
    setting = NotificationTemplate.objects.filter(kind=notification.kind).first()
    row = OutboxMessage(
        notification=notification,
        user_id=notification.user_id,
        kind=notification.kind,
        page=miniprogram_page(notification.target_type, notification.target_id),
        status=OutboxStatus.SKIPPED,
    )

    def done(reason: str, status: str = OutboxStatus.SKIPPED) -> OutboxMessage:
        row.status, row.reason = status, reason[:200]
        row.save()
        return row

    if setting is None or not setting.template_id:
        return done(REASON_NO_TEMPLATE)
    row.template_id = setting.template_id
    if not setting.enabled:
        return done(REASON_DISABLED)
    row.touser = User.objects.filter(pk=notification.user_id).values_list("openid", flat=True).first() or ""
    if not row.touser:
        return done(REASON_NO_OPENID)
    try:
        row.data = message_data(setting.fields, context)
    except KeywordError as exc:
        # Checked before a consent is taken: the user keeps it for a message that can be sent.
        return done(f"模板数据不合规：{exc}", OutboxStatus.FAILED)
    taken = SubscriptionQuota.objects.filter(
        user_id=notification.user_id, template_id=setting.template_id, remaining__gt=0
    ).update(remaining=F("remaining") - 1)
    if not taken:
        return done(REASON_NO_CONSENT)
    row.status = OutboxStatus.PENDING
    row.save()
    return row


def _enqueue(outbox_id: int) -> None:
    """After commit: hand the send to the task queue (run at once without a broker). A failure to
    enqueue leaves the row pending for the sweep."""
    from fenxiao.notifications.tasks import outbox_send_task

    try:
        outbox_send_task.delay(outbox_id)
    except Exception:
        logger.exception("notifications: could not queue outbox %s; the sweep will send it", outbox_id)


@transaction.atomic
def subscription_report(*, user: User, results: Mapping[str, str]) -> list[SubscriptionQuota]:
    """What ``wx.requestSubscribeMessage`` answered (template id → accept / reject / ban / filter).
    Each acceptance allows one more message of that template; only the operator's configured
    templates count. Returns the user's consents for the templates reported."""
    known = set(NotificationTemplate.objects.exclude(template_id="").values_list("template_id", flat=True))
    touched: list[str] = []
    for template_id, answer in sorted(results.items()):
        if template_id not in known:
            continue
        quota, _ = SubscriptionQuota.objects.select_for_update().get_or_create(user=user, template_id=template_id)
        if answer == ACCEPT:
            quota.remaining = min(quota.remaining + 1, MAX_QUOTA)
            quota.accepted_total += 1
        else:
            quota.refused_total += 1
        quota.save(update_fields=["remaining", "accepted_total", "refused_total", "updated_at"])
        touched.append(template_id)
    return list(SubscriptionQuota.objects.filter(user=user, template_id__in=touched).order_by("template_id"))


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
