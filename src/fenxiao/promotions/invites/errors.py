"""Invite errors: stable ``INVITE_*`` codes for the API, Chinese messages for people.

400 for a request that can never succeed as sent (own code), 404 for a code that names no one,
409 for a refusal that depends on the state of things (already invited, not new, no campaign)."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, NotFound


class InviteError(DomainError):
    pass


class InviteConflict(Conflict):
    pass


def code_not_found() -> NotFound:
    return NotFound("INVITE_CODE_NOT_FOUND", "邀请码无效")


def campaign_not_found() -> NotFound:
    return NotFound("INVITE_CAMPAIGN_NOT_FOUND", "邀请活动不存在")
