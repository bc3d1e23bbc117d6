"""Celery task of the notifications: send one outbox row (``sending.outbox_send``). With a broker,
a retryable failure is tried again after the row's backoff when that wait is short; a longer one
(and, eagerly without a broker, every one) is left to the outbox sweep, which sends due rows: a
message held for hours by a worker would outlast RabbitMQ's delivery timeout (30 min by default)
and Redis's visibility timeout, and be delivered again.
A transient error (database, Redis) is retried with the house policy (``core.task_policy``); the row
is claimed before it is sent, so a retried or redelivered message never sends it twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from fenxiao.core.task_policy import retry_policy
from fenxiao.notifications.models import OutboxStatus
from fenxiao.notifications.retry import MAX_ATTEMPTS, retry_delay
from fenxiao.notifications.sending import outbox_send


@shared_task(
    bind=True, name="fenxiao.notifications.send", ignore_result=True, **{**retry_policy(), "max_retries": MAX_ATTEMPTS}
)
def outbox_send_task(self, outbox_id: int) -> None:
    row = outbox_send(outbox_id=outbox_id)
    if row is None or row.status != OutboxStatus.RETRYING or self.request.is_eager:
        return
    wait = retry_delay(row.attempts).total_seconds()
    if wait <= settings.TASK_RETRY_BACKOFF_MAX_SECONDS:
        raise self.retry(countdown=wait)
