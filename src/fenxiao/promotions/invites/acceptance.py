"""Invite codes and a new user accepting one.

Any user may invite (not only distributors): the reward is for a new customer's purchase, so
inviting earns nothing by itself. The share path carries ``invite=<code>``; a distributor's
``ref=<code>`` on the same link is distribution's business and is handled there on its own.

Who counts as new: created no earlier than the campaign's start, accepting within the
campaign's ``accept_within_hours`` of registering, and with no paid order yet."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.extensions import publish_on_commit
from fenxiao.orders.models import Order
from fenxiao.promotions.invites.errors import InviteConflict, InviteError, code_not_found
from fenxiao.promotions.invites.locks import lock_invite_codes
from fenxiao.promotions.invites.models import CampaignStatus, Invite, InviteCampaign, InviteCode
from fenxiao.risk.blacklist.services import blacklist_refuse
from fenxiao.risk.models import TraceKind
from fenxiao.risk.traces.services import client_trace_record

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed by hand
CODE_LENGTH = 8
HOME_PAGE = "pages/index/index"


def share_path(code: str) -> str:
    return f"{HOME_PAGE}?invite={code}"


def invite_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def invite_code_ensure(*, user_id: int) -> InviteCode:
    """The user's code, made on first use. Idempotent, also under concurrent first calls."""
    existing = InviteCode.objects.filter(user_id=user_id).first()
    if existing:
        return existing
    for _ in range(8):
        try:
            with transaction.atomic():
                return InviteCode.objects.create(user_id=user_id, code=invite_code_new())
        except IntegrityError:
            existing = InviteCode.objects.filter(user_id=user_id).first()
            if existing:  # a concurrent request made it first
                return existing
    raise InviteConflict("INVITE_CODE_EXHAUSTED", "邀请码生成失败，请重试")


def campaign_running(now: datetime) -> InviteCampaign | None:
    """The campaign new users accept under now. Active campaigns never overlap (campaigns.py);
    the ordering only makes the answer deterministic should old data disagree."""
    return (
        InviteCampaign.objects.filter(status=CampaignStatus.ACTIVE, starts_at__lte=now, ends_at__gt=now)
        .select_related("inviter_template", "invitee_template")
        .order_by("-starts_at", "-id")
        .first()
    )


def _campaign_for_accept(now: datetime) -> InviteCampaign:
    campaign = campaign_running(now)
    if campaign is not None:
        return campaign
    if InviteCampaign.objects.filter(status=CampaignStatus.PAUSED, starts_at__lte=now, ends_at__gt=now).exists():
        raise InviteConflict("INVITE_CAMPAIGN_PAUSED", "邀请活动已暂停")
    if InviteCampaign.objects.filter(ends_at__lte=now).exists():
        raise InviteConflict("INVITE_CAMPAIGN_ENDED", "邀请活动已结束")
    raise InviteConflict("INVITE_NO_CAMPAIGN", "当前没有进行中的邀请活动")


def has_paid_order(user_id: int) -> bool:
    return Order.objects.filter(buyer_id=user_id, paid_at__isnull=False).exists()


def _check_new_user(user: User, campaign: InviteCampaign, now: datetime) -> None:
    if has_paid_order(user.id):
        raise InviteConflict("INVITE_NOT_NEW_USER", "您已在商城下过单，邀请奖励仅限新用户")
    if user.created_at < campaign.starts_at:
        raise InviteConflict("INVITE_NOT_NEW_USER", "您在活动开始前已注册，邀请奖励仅限新用户")
    if now > user.created_at + timedelta(hours=campaign.accept_within_hours):
        raise InviteConflict("INVITE_NOT_NEW_USER", f"注册超过 {campaign.accept_within_hours} 小时后不能再接受邀请")


def _owner_of(code: str) -> InviteCode:
    code = (code or "").strip().upper()
    owner = InviteCode.objects.select_related("user").filter(code=code).first() if code else None
    if owner is None or not owner.user.is_active:
        raise code_not_found()
    return owner


def invite_accept(*, user: User, code: str, now: datetime | None = None) -> Invite:
    """``user`` (new) accepts ``code``. Refused: an unknown code, their own code, a second
    acceptance, accepting the code of someone who accepted theirs, no running campaign, a user
    who is not new."""
    now = now or timezone.now()
    owner = _owner_of(code)
    if owner.user_id == user.id:
        raise InviteError("INVITE_SELF", "不能接受自己的邀请", field="code")
    blacklist_refuse(user_id=user.id, action="invite")
    mine = invite_code_ensure(user_id=user.id)
    try:
        invite = _accept(user=user, owner=owner, mine=mine, now=now)
    except IntegrityError as exc:
        # Only reachable if the code locks were bypassed: one invitation per invitee holds anyway.
        raise _already_accepted() from exc
    client_trace_record(kind=TraceKind.INVITE, object_id=invite.pk, user_id=user.id)
    publish_on_commit("invite_accepted", invite_id=invite.pk, inviter_id=invite.inviter_id)
    return invite


def _already_accepted() -> InviteConflict:
    return InviteConflict("INVITE_ALREADY_ACCEPTED", "您已接受过好友的邀请")


@transaction.atomic
def _accept(*, user: User, owner: InviteCode, mine: InviteCode, now: datetime) -> Invite:
    """Both users' code rows are locked in id order, so a double tap, two codes accepted at once,
    or two users accepting each other's code at once are decided one at a time."""
    lock_invite_codes([owner.pk, mine.pk])
    if Invite.objects.filter(invitee=user).exists():
        raise _already_accepted()
    if Invite.objects.filter(inviter=user, invitee_id=owner.user_id).exists():
        raise InviteError("INVITE_MUTUAL", "对方是您邀请的好友，不能互相邀请", field="code")
    campaign = _campaign_for_accept(now)
    _check_new_user(user, campaign, now)
    return Invite.objects.create(
        campaign=campaign,
        inviter_id=owner.user_id,
        invitee=user,
        code=owner.code,
        accepted_at=now,
        order_deadline=now + timedelta(days=campaign.order_within_days),
    )
