"""Operator services for invite campaigns: create, update (schedule), pause, resume. The operator
API and the admin call these, so both check the same rules.

Only one campaign may be running at a time: a new user's acceptance must name exactly one set of
rewards. Active campaigns therefore may not overlap in time (a paused one is checked when it is
resumed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from fenxiao.promotions.inputs import time_problem
from fenxiao.promotions.invites.errors import InviteConflict, InviteError, campaign_not_found
from fenxiao.promotions.invites.locks import lock_campaign_row
from fenxiao.promotions.invites.models import CampaignStatus, Invite, InviteCampaign
from fenxiao.promotions.models import CouponTemplate

EDITABLE = (
    "name",
    "starts_at",
    "ends_at",
    "inviter_template_id",
    "invitee_template_id",
    "max_rewards_per_inviter",
    "accept_within_hours",
    "order_within_days",
    "min_order_fen",
)
NULLABLE = frozenset({"max_rewards_per_inviter"})
# What a new user accepted under: fixed once anyone has accepted, so the promise holds.
LOCKED_ONCE_ACCEPTED = (
    "starts_at",
    "inviter_template_id",
    "invitee_template_id",
    "order_within_days",
    "min_order_fen",
)
LOCKED_LABELS = {
    "starts_at": "开始时间",
    "inviter_template_id": "邀请人奖励券",
    "invitee_template_id": "新用户奖励券",
    "order_within_days": "首单时限",
    "min_order_fen": "首单最低实付",
}
MAX_ACCEPT_HOURS = 24 * 30
MAX_ORDER_DAYS = 365


class CampaignState:
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"

    LABELS = {SCHEDULED: "未开始", RUNNING: "进行中", PAUSED: "已暂停", ENDED: "已结束"}


def campaign_state(c: InviteCampaign, now: datetime) -> str:
    if now >= c.ends_at:
        return CampaignState.ENDED
    if c.status == CampaignStatus.PAUSED:
        return CampaignState.PAUSED
    if now < c.starts_at:
        return CampaignState.SCHEDULED
    return CampaignState.RUNNING


def _template_problem(template_id: int | None, who: str) -> str | None:
    if template_id is None:
        return f"请选择{who}"
    t = CouponTemplate.objects.filter(pk=template_id).first()
    if t is None:
        return f"{who}不存在"
    if t.valid_days_after_claim is None:
        # A reward is issued only after the first order's after-sales window, weeks from now: a
        # fixed end date may have passed by then and the coupon would arrive dead.
        return f"{who}须使用“领取后有效天数”，奖励在首单售后期结束后才发放"
    return None


def campaign_problems(c: InviteCampaign) -> list[str]:
    """Every broken rule at once, so the operator fixes the form in one go."""
    problems = []
    if not (c.name or "").strip():
        problems.append("请填写活动名称")
    if c.starts_at is None or c.ends_at is None:
        problems.append("请填写开始和结束时间")
    elif time_problem(c.starts_at, c.ends_at):
        problems.append("开始和结束时间须带时区")
    elif c.ends_at <= c.starts_at:
        problems.append("结束时间必须晚于开始时间")
    for template_id, who in ((c.inviter_template_id, "邀请人奖励券"), (c.invitee_template_id, "新用户奖励券")):
        problem = _template_problem(template_id, who)
        if problem:
            problems.append(problem)
    if c.max_rewards_per_inviter is not None and c.max_rewards_per_inviter < 1:
        problems.append("每位邀请人最多奖励人数至少为 1，不限请留空")
    if c.accept_within_hours is None or not 1 <= c.accept_within_hours <= MAX_ACCEPT_HOURS:
        problems.append(f"注册后接受邀请时限须在 1 到 {MAX_ACCEPT_HOURS} 小时之间")
    if c.order_within_days is None or not 1 <= c.order_within_days <= MAX_ORDER_DAYS:
        problems.append(f"首单时限须在 1 到 {MAX_ORDER_DAYS} 天之间")
    if c.min_order_fen is None or c.min_order_fen < 0:
        problems.append("首单最低实付不能为负数")
    return problems


def _check(c: InviteCampaign) -> None:
    problems = campaign_problems(c)
    if problems:
        raise InviteError("INVITE_CAMPAIGN_INVALID", "；".join(problems))


def overlapping_campaign(c: InviteCampaign) -> InviteCampaign | None:
    """Another active campaign whose time overlaps ``c``'s."""
    return (
        InviteCampaign.objects.filter(status=CampaignStatus.ACTIVE, starts_at__lt=c.ends_at, ends_at__gt=c.starts_at)
        .exclude(pk=c.pk)
        .order_by("starts_at")
        .first()
    )


def _check_no_overlap(c: InviteCampaign) -> None:
    if c.status != CampaignStatus.ACTIVE:
        return
    other = overlapping_campaign(c)
    if other is not None:
        raise InviteConflict(
            "INVITE_CAMPAIGN_OVERLAP", f"与进行中的活动“{other.name}”时间重叠，同一时间只能有一个邀请活动"
        )


def locked_changes(c: InviteCampaign, fields: dict[str, Any]) -> list[str]:
    """Labels of the rules ``fields`` would change although new users already accepted under them."""
    if c.pk is None or not Invite.objects.filter(campaign_id=c.pk).exists():
        return []
    return [LOCKED_LABELS[k] for k in LOCKED_ONCE_ACCEPTED if k in fields and fields[k] != getattr(c, k)]


def lock_campaign(campaign_id: int) -> InviteCampaign:
    c = lock_campaign_row(campaign_id)
    if c is None:
        raise campaign_not_found()
    return c


@transaction.atomic
def invite_campaign_create(*, fields: dict[str, Any], status: str = CampaignStatus.ACTIVE) -> InviteCampaign:
    if status not in CampaignStatus.values:
        raise InviteError("INVITE_CAMPAIGN_INVALID", "状态只能是 active 或 paused", field="status")
    c = InviteCampaign(status=status, **{k: v for k, v in fields.items() if k in EDITABLE})
    _check(c)
    _check_no_overlap(c)
    c.save()
    return c


@transaction.atomic
def invite_campaign_update(*, campaign_id: int, fields: dict[str, Any]) -> InviteCampaign:
    """Rename, reschedule or change the rules. Once anyone accepted, only the name, the end, the
    per-inviter cap and the acceptance window may change (they only affect what happens next)."""
    c = lock_campaign(campaign_id)
    given = {k: v for k, v in fields.items() if k in EDITABLE and (v is not None or k in NULLABLE)}
    locked = locked_changes(c, given)
    if locked:
        raise InviteConflict("INVITE_CAMPAIGN_RULES_LOCKED", f"已有用户接受邀请，不能再修改：{'、'.join(locked)}")
    for key, value in given.items():
        setattr(c, key, value)
    _check(c)
    _check_no_overlap(c)
    c.save()
    return c


@transaction.atomic
def invite_campaign_set_status(*, campaign_id: int, status: str) -> InviteCampaign:
    """Pausing stops new acceptances; invitations already accepted keep their promised rewards."""
    c = lock_campaign(campaign_id)
    if c.status != status:
        c.status = status
        _check_no_overlap(c)
        c.save(update_fields=["status", "updated_at"])
    return c


def invite_campaign_pause(*, campaign_id: int) -> InviteCampaign:
    return invite_campaign_set_status(campaign_id=campaign_id, status=CampaignStatus.PAUSED)


def invite_campaign_resume(*, campaign_id: int) -> InviteCampaign:
    return invite_campaign_set_status(campaign_id=campaign_id, status=CampaignStatus.ACTIVE)
