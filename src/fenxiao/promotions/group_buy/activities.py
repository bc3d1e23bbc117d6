"""Operator services for group-buy activities: create, update, pause, resume, report. The operator
API and the admin call these, so both check the same rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from fenxiao.core.errors import Conflict, DomainError, NotFound
from fenxiao.promotions.activities import rules
from fenxiao.promotions.activities.lifecycle import ActivityKind
from fenxiao.promotions.locks import lock_group_buy_activity
from fenxiao.promotions.models import GroupBuyActivity, GroupBuyMember, GroupBuyStatus, GroupMemberStatus, GroupStatus

EDITABLE = (
    "name",
    "sku_id",
    "group_size",
    "group_price_fen",
    "leader_price_fen",
    "time_limit_minutes",
    "payment_minutes",
    "max_quantity",
    "max_groups",
    "starts_at",
    "ends_at",
    "commission_allowed",
)
# What may not change once a group was opened: its members bought on these terms.
LOCKED_ONCE_OPENED = ("sku_id", "group_size", "group_price_fen", "leader_price_fen", "time_limit_minutes")


class GroupBuyError(DomainError):
    pass


class GroupBuyConflict(Conflict):
    pass


def activity_not_found() -> NotFound:
    return NotFound("GROUP_BUY_NOT_FOUND", "拼团活动不存在")


def activity_problems(a: GroupBuyActivity) -> list[str]:
    """Every broken rule at once, in Chinese, so a form shows them all."""
    sale_price = rules.sku_sale_price(a.sku_id)
    problems = rules.name_problems(a)
    problems += rules.sku_problems(sale_price)
    problems += rules.price_problems(label="拼团价", price_fen=a.group_price_fen, sale_price_fen=sale_price)
    if a.leader_price_fen is not None and (
        a.leader_price_fen < 0 or (a.group_price_fen is not None and a.leader_price_fen > a.group_price_fen)
    ):
        problems.append("团长价须在 0 与拼团价之间")
    if not a.group_size or not 2 <= a.group_size <= 100:
        problems.append("成团人数须在 2 到 100 之间")
    if not a.time_limit_minutes or a.time_limit_minutes < 1:
        problems.append("成团时限至少为 1 分钟")
    payment = rules.payment_minutes_problems(a)
    if not payment and a.time_limit_minutes and a.payment_minutes > a.time_limit_minutes:
        payment = ["支付时限不能长于成团时限"]
    problems += payment
    if not a.max_quantity or a.max_quantity < 1:
        problems.append("每单限购至少为 1 件")
    if a.max_groups is not None and a.max_groups < (a.groups_opened or 0):
        problems.append(f"最多开团数不能少于已开团数（{a.groups_opened}）")
    return problems + rules.window_and_commission_problems(a)


GROUP_BUY_ACTIVITY = ActivityKind(
    model=GroupBuyActivity,
    editable=EDITABLE,
    problems=activity_problems,
    invalid=lambda message: GroupBuyError("GROUP_BUY_INVALID", message),
    not_found=activity_not_found,
    lock=lock_group_buy_activity,
)


@transaction.atomic
def group_buy_activity_create(*, fields: dict[str, Any]) -> GroupBuyActivity:
    return GROUP_BUY_ACTIVITY.create(fields)


@transaction.atomic
def group_buy_activity_update(*, activity_id: int, fields: dict[str, Any]) -> GroupBuyActivity:
    a = GROUP_BUY_ACTIVITY.locked(activity_id)
    changed = [k for k in LOCKED_ONCE_OPENED if k in fields and fields[k] != getattr(a, k)]
    if changed and a.groups.exists():
        raise GroupBuyConflict("GROUP_BUY_TERMS_LOCKED", "活动已有人开团，不能修改商品、人数、价格或成团时限")
    return GROUP_BUY_ACTIVITY.apply(a, fields)


@transaction.atomic
def _set_status(activity_id: int, status: str) -> GroupBuyActivity:
    return GROUP_BUY_ACTIVITY.set_status(activity_id, status)


def group_buy_activity_pause(*, activity_id: int) -> GroupBuyActivity:
    """No new groups and no new members; groups already forming still run to their deadline
    (their members paid on the promise of a deadline, and fail or fill as usual)."""
    return _set_status(activity_id, GroupBuyStatus.PAUSED)


def group_buy_activity_resume(*, activity_id: int) -> GroupBuyActivity:
    return _set_status(activity_id, GroupBuyStatus.ACTIVE)


def group_buy_activity_report(*, activity: GroupBuyActivity) -> dict[str, int | str]:
    """Groups by outcome, the success rate over finished groups (in basis points and as text),
    paying members, refunded members and the money taken by successful groups."""
    groups = activity.groups.aggregate(
        opened=Count("pk", filter=~Q(status__in=[GroupStatus.OPENING, GroupStatus.ABANDONED])),
        forming=Count("pk", filter=Q(status=GroupStatus.FORMING)),
        succeeded=Count("pk", filter=Q(status=GroupStatus.SUCCEEDED)),
        failed=Count("pk", filter=Q(status=GroupStatus.FAILED)),
    )
    members = GroupBuyMember.objects.filter(group__activity=activity).aggregate(
        paid=Count("pk", filter=Q(paid_at__isnull=False)),
        refunded=Count("pk", filter=Q(status=GroupMemberStatus.REFUNDED)),
        refunding=Count("pk", filter=Q(status=GroupMemberStatus.REFUNDING)),
        revenue=Sum("order__paid_fen", filter=Q(group__status=GroupStatus.SUCCEEDED)),
    )
    finished = groups["succeeded"] + groups["failed"]
    rate_bps = groups["succeeded"] * 10_000 // finished if finished else 0
    return {
        "groups_opened": groups["opened"],
        "groups_forming": groups["forming"],
        "groups_succeeded": groups["succeeded"],
        "groups_failed": groups["failed"],
        "success_rate_bps": rate_bps,
        "success_rate": f"{rate_bps // 100}.{rate_bps % 100:02d}%",
        "paid_members": members["paid"],
        "refunding_members": members["refunding"],
        "refunded_members": members["refunded"],
        "succeeded_revenue_fen": members["revenue"] or 0,
    }


def group_buy_window_state(a: GroupBuyActivity, now: datetime) -> str:
    """ "paused" / "upcoming" / "ended" / "full" / "on_sale": whether a new group can open."""
    return rules.window_state(
        paused=a.status == GroupBuyStatus.PAUSED,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        now=now,
        exhausted="full" if a.max_groups is not None and a.groups_opened >= a.max_groups else None,
    )
