"""Sending one outbox row through ``subscribeMessage.send`` (DESIGN: no row lock across a WeChat
call). A row is claimed by a conditional update (pending or due for retry → sending), sent with the
shared stable access token, and its outcome recorded: sent (or, in sandbox mode, recorded without
leaving the machine), failed for good (43101 the user refused, 47003 bad data, ...), or retrying
after a backoff on a network error or a busy WeChat. The sweep picks up what a lost task left."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from fenxiao.integrations.wechat.miniprogram import gateway
from fenxiao.integrations.wechat.miniprogram.errors import WechatError
from fenxiao.notifications.models import OutboxMessage, OutboxStatus
from fenxiao.notifications.retry import FINAL_REASONS, MAX_ATTEMPTS, is_retryable, retry_delay

logger = logging.getLogger(__name__)

# A row left "sending" this long died with its worker; a row "pending" this long lost its task.
STUCK_AFTER = timedelta(minutes=10)
PENDING_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 200
RECORDED_REASON = "沙箱模式：已记录，未发往微信"


def _claim(outbox_id: int, now: datetime) -> OutboxMessage | None:
    due = Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.RETRYING, next_attempt_at__lte=now)
    due |= Q(status=OutboxStatus.SENDING, claimed_at__lte=now - STUCK_AFTER)
    claimed = OutboxMessage.objects.filter(due, pk=outbox_id).update(
        status=OutboxStatus.SENDING, claimed_at=now, updated_at=now
    )
    return OutboxMessage.objects.get(pk=outbox_id) if claimed else None


def _payload(row: OutboxMessage) -> dict:
    return {
        "touser": row.touser,
        "template_id": row.template_id,
        "page": row.page,
        "data": row.data,
        "miniprogram_state": settings.WECHAT_SUBSCRIBE_STATE,
        "lang": "zh_CN",
    }


def _save(row: OutboxMessage, **fields: object) -> OutboxMessage:
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=[*fields, "updated_at"])
    return row


def outbox_send(*, outbox_id: int, now: datetime | None = None) -> OutboxMessage | None:
    """Try the row once if it is due. Returns the row as it now is, or None if it was not due
    (already sent, failed, or being sent by someone else)."""
    now = now or timezone.now()
    row = _claim(outbox_id, now)
    if row is None:
        return None
    attempts = row.attempts + 1
    try:
        gateway.subscribe_message_send(_payload(row))
    except WechatError as exc:
        if is_retryable(exc.errcode) and attempts < MAX_ATTEMPTS:
            logger.info("subscribe message %s: %s, retrying", row.pk, exc)
            return _save(
                row,
                status=OutboxStatus.RETRYING,
                attempts=attempts,
                errcode=exc.errcode,
                reason=f"第 {attempts} 次发送失败（{exc.errcode} {exc.errmsg}），稍后重试"[:200],
                next_attempt_at=now + retry_delay(attempts),
            )
        reason = FINAL_REASONS.get(exc.errcode) or f"微信返回 {exc.errcode}：{exc.errmsg}"
        if is_retryable(exc.errcode):
            reason = f"重试 {attempts} 次仍失败：{exc.errmsg or exc.errcode}"
        logger.warning("subscribe message %s failed: %s", row.pk, exc)
        return _save(
            row,
            status=OutboxStatus.FAILED,
            attempts=attempts,
            errcode=exc.errcode,
            reason=reason[:200],
            next_attempt_at=None,
        )
    live = settings.WECHAT_MODE == "live"
    return _save(
        row,
        status=OutboxStatus.SENT if live else OutboxStatus.RECORDED,
        attempts=attempts,
        errcode=None,
        reason="" if live else RECORDED_REASON,
        sent_at=now,
        next_attempt_at=None,
    )


def sweep_outbox(*, now: datetime) -> int:
    """Send what is due: retries whose wait is over, pending rows whose task was lost, rows a dead
    worker left sending. Returns how many reached WeChat (or the sandbox)."""
    ids = list(
        OutboxMessage.objects.filter(
            Q(status=OutboxStatus.RETRYING, next_attempt_at__lte=now)
            | Q(status=OutboxStatus.PENDING, created_at__lte=now - PENDING_GRACE)
            | Q(status=OutboxStatus.SENDING, claimed_at__lte=now - STUCK_AFTER)
        )
        .order_by("id")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )
    sent = 0
    for outbox_id in ids:
        try:
            row = outbox_send(outbox_id=outbox_id, now=now)
        except Exception:
            logger.exception("notifications sweep: outbox %s crashed", outbox_id)
            continue
        sent += row is not None and row.status in (OutboxStatus.SENT, OutboxStatus.RECORDED)
    return sent
