"""Stable codes of complaints: bad input is a 400 naming the field, a step the complaint's status
does not allow is a 409, someone else's complaint is a 404."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, NotFound


class ComplaintError(DomainError):
    """Bad complaint input (400)."""


def complaint_not_found() -> NotFound:
    return NotFound("COMPLAINT_NOT_FOUND", "投诉不存在")


def complaint_closed() -> Conflict:
    return Conflict("COMPLAINT_CLOSED", "投诉已处理完结，不能再操作")
