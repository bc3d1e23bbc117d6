"""Stable codes of the message centre: someone else's message is a 404 like a missing one."""

from __future__ import annotations

from fenxiao.core.errors import NotFound


def notification_not_found() -> NotFound:
    return NotFound("NOTIFICATION_NOT_FOUND", "消息不存在")
