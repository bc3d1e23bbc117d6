"""The core app's one table: the outbox of events published with a broker (``core.event_outbox``).

Each row is an event that a transaction committed and that may not have reached the broker yet.
It is written inside the publisher's transaction and deleted once its messages were sent, so the
table is nearly always empty; a row older than a few seconds is an event whose web process died
between its COMMIT and its publish, which the relay sweep sends."""

from __future__ import annotations

from django.db import models


class EventOutbox(models.Model):
    event = models.CharField("事件", max_length=64)
    payload = models.JSONField("内容", default=dict)
    created_at = models.DateTimeField("写入时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "待发事件"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event} {self.payload}"
