"""Reads of group-buy groups, shaped once for the API and the H5 pages: who holds a seat (a seat
given up is gone), masked for everyone but the viewer, because a group page is what a share link
opens and anyone signed in may read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from fenxiao.accounts.models import User
from fenxiao.core.masking import mask_name
from fenxiao.promotions.group_buy import group_not_found
from fenxiao.promotions.models import GroupBuyGroup, GroupBuyMember, GroupMemberStatus, GroupStatus


@dataclass(frozen=True)
class GroupView:
    id: int
    activity_id: int
    activity_name: str
    status: str
    status_label: str
    size: int
    seats_taken: int
    seats_left: int
    paid_count: int
    expires_at: datetime | None
    leader: str
    members: list[dict]
    joined: bool
    succeeded: bool
    forming: bool


def groups_with_members():
    return GroupBuyGroup.objects.select_related("activity", "leader").prefetch_related(
        Prefetch("members", queryset=GroupBuyMember.objects.select_related("user").order_by("id"))
    )


def group_view(group: GroupBuyGroup, viewer_id: int | None) -> GroupView:
    # Everyone who holds a seat, paid or not; a seat given up (cancelled unpaid) is gone.
    seats = [m for m in group.members.all() if m.status != GroupMemberStatus.RELEASED]
    leader = next((m.user for m in seats if m.is_leader), group.leader)
    return GroupView(
        id=group.pk,
        activity_id=group.activity_id,
        activity_name=group.activity.name,
        status=group.status,
        status_label=group.get_status_display(),
        size=group.size,
        seats_taken=group.seats_taken,
        seats_left=group.size - group.seats_taken,
        paid_count=group.paid_count,
        expires_at=group.expires_at,
        leader=mask_name(leader.nickname or "微信用户"),
        members=[
            {
                "nickname": m.user.nickname if m.user_id == viewer_id else mask_name(m.user.nickname or "微信用户"),
                "avatar_url": m.user.avatar_url,
                "is_leader": m.is_leader,
                "paid": m.paid_at is not None,
                "is_me": m.user_id == viewer_id,
            }
            for m in seats
        ],
        joined=viewer_id is not None and any(m.user_id == viewer_id for m in seats),
        succeeded=group.status == GroupStatus.SUCCEEDED,
        forming=group.status == GroupStatus.FORMING,
    )


def group_get(*, group_id: int, viewer_id: int | None) -> GroupView:
    group = groups_with_members().filter(pk=group_id).first()
    if group is None:
        raise group_not_found()
    return group_view(group, viewer_id)


def joinable_group_list(*, activity_id: int, now: datetime, viewer_id: int | None) -> list[GroupView]:
    """Forming groups with a seat left, closest to filling first (the 拼团广场)."""
    found = groups_with_members().filter(activity_id=activity_id, status=GroupStatus.FORMING, expires_at__gt=now)
    return [
        group_view(g, viewer_id) for g in found.order_by("-seats_taken", "expires_at")[:20] if g.seats_taken < g.size
    ]


def my_group_list(*, user: User) -> list[tuple[GroupView, GroupBuyMember]]:
    seats = list(
        GroupBuyMember.objects.filter(user=user).exclude(status=GroupMemberStatus.RELEASED).order_by("-id")[:50]
    )
    groups = {g.pk: g for g in groups_with_members().filter(pk__in=[s.group_id for s in seats])}
    return [(group_view(groups[s.group_id], user.pk), s) for s in seats]
