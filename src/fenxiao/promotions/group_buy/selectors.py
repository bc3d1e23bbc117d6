"""Reads of group-buy groups, shaped once for the API and the H5 pages: who holds a seat (a seat
given up is gone), masked for everyone but the viewer, because a group page is what a share link
opens and anyone signed in may read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from fenxiao.accounts.models import User
from fenxiao.core.masking import mask_name
from fenxiao.promotions.group_buy import activities
from fenxiao.promotions.group_buy.groups import group_not_found
from fenxiao.promotions.models import (
    GroupBuyActivity,
    GroupBuyGroup,
    GroupBuyMember,
    GroupBuyStatus,
    GroupMemberStatus,
    GroupStatus,
)


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


def activity_card(a: GroupBuyActivity, now: datetime) -> dict:
    """An activity as shoppers see it (``image`` is the stored path; each face makes it a URL)."""
    return {
        "id": a.pk,
        "name": a.name,
        "sku_id": a.sku_id,
        "product_id": a.sku.product_id,
        "title": a.sku.product.title,
        "image": a.sku.image or a.sku.product.main_image or "",
        "price_fen": a.sku.price_fen,
        "group_price_fen": a.group_price_fen,
        "leader_price_fen": a.leader_price_fen,
        "group_size": a.group_size,
        "time_limit_minutes": a.time_limit_minutes,
        "max_quantity": a.max_quantity,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "state": activities.group_buy_window_state(a, now),
    }


def running_activity_list(*, now: datetime, product_id: int | None = None) -> list[GroupBuyActivity]:
    """Running and upcoming activities that are not paused, soonest first."""
    qs = GroupBuyActivity.objects.select_related("sku__product").filter(status=GroupBuyStatus.ACTIVE, ends_at__gt=now)
    if product_id is not None:
        qs = qs.filter(sku__product_id=product_id)
    return list(qs.order_by("starts_at", "pk")[:100])


def activity_get(*, activity_id: int) -> GroupBuyActivity:
    a = GroupBuyActivity.objects.select_related("sku__product").filter(pk=activity_id).first()
    if a is None:
        raise activities.activity_not_found()
    return a
