"""拼团: opening a group, joining one, and what payments, cancellations and the deadline do to it.

A group is opened by its leader placing an order (``opening``); it becomes joinable when that
order is paid (``forming``, deadline = payment + the activity's time limit). Every member holds a
seat from placing their order until it is paid or cancelled; ``seats_taken`` moves only by
conditional ``UPDATE`` under the group's row lock, so concurrent joins never exceed the size.
Every order of a group is placed with a fulfilment hold: it may not ship until the group is
full. When the last seat is paid the group succeeds and the holds are released. At the deadline
an unfilled group fails: unpaid orders are cancelled and every paid one is voided and refunded in
full through payments, whose one-refund-per-purpose rule makes the refund happen exactly once
however often the sweep asks. A payment that arrives for a seat that no longer counts (its order
timed out and came back, or its group already ended) is refunded the same way."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.errors import DomainError, NotFound
from fenxiao.core.extensions import publish_on_commit
from fenxiao.orders.aftersales.refunds import order_void_refund
from fenxiao.orders.checkout import LineRequest, address_for
from fenxiao.orders.models import Order, OrderHold, OrderStatus
from fenxiao.orders.services import order_cancel, order_create, order_hold_release
from fenxiao.promotions import locks
from fenxiao.promotions.group_buy.activities import GroupBuyConflict, GroupBuyError, activity_not_found
from fenxiao.promotions.models import (
    GroupBuyActivity,
    GroupBuyGroup,
    GroupBuyMember,
    GroupBuyStatus,
    GroupMemberStatus,
    GroupStatus,
)

logger = logging.getLogger(__name__)

NOT_STARTED = ("GROUP_BUY_NOT_STARTED", "拼团活动尚未开始")
ENDED = ("GROUP_BUY_ENDED", "拼团活动已结束")
PAUSED = ("GROUP_BUY_PAUSED", "拼团活动已暂停")
GROUPS_FULL = ("GROUP_BUY_GROUPS_FULL", "开团名额已满，可参加别人的团")
GROUP_NOT_OPEN = ("GROUP_NOT_OPEN", "团长尚未付款，暂不能参团")
GROUP_FULL = ("GROUP_FULL", "该团已满员，可另开新团")
GROUP_CLOSED = ("GROUP_CLOSED", "该团已结束，可另开新团")
GROUP_EXPIRED = ("GROUP_EXPIRED", "该团已超过成团时限")
ALREADY_JOINED = ("GROUP_ALREADY_JOINED", "您已在该团中")
REFUND_REASON = "拼团未成功，全额退款"


def group_not_found() -> NotFound:
    return NotFound("GROUP_NOT_FOUND", "拼团不存在")


def _refuse(reason: tuple[str, str]) -> GroupBuyConflict:
    return GroupBuyConflict(*reason)


def _ensure_activity_open(a: GroupBuyActivity, now: datetime) -> None:
    if a.status == GroupBuyStatus.PAUSED:
        raise _refuse(PAUSED)
    if now < a.starts_at:
        raise _refuse(NOT_STARTED)
    if now >= a.ends_at:
        raise _refuse(ENDED)


def _check_quantity(a: GroupBuyActivity, quantity: int) -> None:
    if not 1 <= quantity <= a.max_quantity:
        raise GroupBuyError("GROUP_BUY_QUANTITY_INVALID", f"拼团每单可买 1 到 {a.max_quantity} 件", field="quantity")


def _bind_referral(user: User, ref: str | None, source: str) -> None:
    """The share link named the distributor who shared it: bind the shopper under the platform's
    binding policy before the order snapshots its chain, so that distributor earns on this
    order. A code that cannot bind (own code, suspended, policy keeps an older binding) never
    stops the purchase."""
    if not ref:
        return
    from fenxiao.distribution.network.binding import referral_bind  # same layer; imported where it is used

    try:
        referral_bind(user_id=user.pk, code=ref.strip(), source=source)
    except DomainError as exc:
        logger.info("group-buy: referral %r not bound for user %s: %s", ref, user.pk, exc.code)


@dataclass(frozen=True)
class Placed:
    group: GroupBuyGroup
    member: GroupBuyMember
    order: Order


def _place(
    *, member: GroupBuyMember, a: GroupBuyActivity, quantity: int, address_id: int | None, remark: str, deadline
) -> Order:
    if address_id is None:  # one tap from a share page: the shopper's default address
        default = address_for(member.user, None)
        address_id = default.pk if default else None
    order = order_create(
        user=member.user,
        lines=[LineRequest(a.sku_id, quantity)],
        address_id=address_id,
        remark=remark,
        options={"group_buy_member_id": member.pk, "group_buy_token": member.token},
        payment_deadline=deadline,
    )
    return order


def group_open(
    *,
    user: User,
    activity_id: int,
    quantity: int = 1,
    address_id: int | None = None,
    remark: str = "",
    ref: str | None = None,
    ref_source: str = "link",
    now: datetime | None = None,
) -> Placed:
    """The leader's order, at the leader price; the group opens for others once it is paid."""
    now = now or timezone.now()
    _bind_referral(user, ref, ref_source)
    with transaction.atomic():
        a = GroupBuyActivity.objects.filter(pk=activity_id).first()
        if a is None:
            raise activity_not_found()
        _ensure_activity_open(a, now)
        _check_quantity(a, quantity)
        counted = GroupBuyActivity.objects.filter(pk=a.pk)
        if a.max_groups is not None:
            counted = counted.filter(groups_opened__lt=F("max_groups"))
        if not counted.update(groups_opened=F("groups_opened") + 1):
            raise _refuse(GROUPS_FULL)
        group = GroupBuyGroup.objects.create(activity=a, leader=user, size=a.group_size, seats_taken=1)
        member = GroupBuyMember.objects.create(group=group, user=user, is_leader=True, token=secrets.token_urlsafe(32))
        order = _place(
            member=member,
            a=a,
            quantity=quantity,
            address_id=address_id,
            remark=remark,
            deadline=now + timedelta(minutes=a.payment_minutes),
        )
    return Placed(group=group, member=member, order=order)


def lock_group(group_id: int) -> GroupBuyGroup:
    group = locks.lock_group(group_id)
    if group is None:
        raise group_not_found()
    return group


def _ensure_joinable(group: GroupBuyGroup, now: datetime) -> None:
    if group.status == GroupStatus.OPENING:
        raise _refuse(GROUP_NOT_OPEN)
    if group.status == GroupStatus.SUCCEEDED:
        raise _refuse(GROUP_FULL)
    if group.status != GroupStatus.FORMING:
        raise _refuse(GROUP_CLOSED)
    if group.expires_at is not None and now >= group.expires_at:
        raise _refuse(GROUP_EXPIRED)


def group_join(
    *,
    user: User,
    group_id: int,
    quantity: int = 1,
    address_id: int | None = None,
    remark: str = "",
    ref: str | None = None,
    ref_source: str = "link",
    now: datetime | None = None,
) -> Placed:
    """A seat in a forming group, at the group price, held until the order is paid or cancelled
    (its payment window never outlasts the group's deadline)."""
    now = now or timezone.now()
    _bind_referral(user, ref, ref_source)
    with transaction.atomic():
        group = lock_group(group_id)
        a = GroupBuyActivity.objects.get(pk=group.activity_id)
        _ensure_joinable(group, now)
        if a.status == GroupBuyStatus.PAUSED:
            raise _refuse(PAUSED)
        _check_quantity(a, quantity)
        if group.members.filter(user=user).exclude(status=GroupMemberStatus.RELEASED).exists():
            raise _refuse(ALREADY_JOINED)
        seated = GroupBuyGroup.objects.filter(pk=group.pk, seats_taken__lt=F("size")).update(
            seats_taken=F("seats_taken") + 1
        )
        if not seated:
            raise _refuse(GROUP_FULL)
        member = GroupBuyMember.objects.create(group=group, user=user, token=secrets.token_urlsafe(32))
        deadline = min(now + timedelta(minutes=a.payment_minutes), group.expires_at)
        order = _place(member=member, a=a, quantity=quantity, address_id=address_id, remark=remark, deadline=deadline)
    return Placed(group=group, member=member, order=order)


# ---------------------------------------------------------------------------------------------
# order events


def _release_holds(order_ids: list[int]) -> None:
    for order_id in order_ids:
        try:
            order_hold_release(order_id=order_id, hold=OrderHold.GROUP_BUY, note="拼团成功，等待发货")
        except Exception:  # the sweep releases what is left
            logger.exception("group-buy: releasing the hold of order %s failed", order_id)


def _refund(order_ids: list[int]) -> None:
    for order_id in order_ids:
        try:
            order_void_refund(order_id=order_id, reason=REFUND_REASON)
        except Exception:  # the sweep asks again; payments never pays one purpose twice
            logger.exception("group-buy: refund of order %s failed", order_id)


def group_member_paid(*, order_id: int, now: datetime | None = None) -> str | None:
    """Handler of ``order_paid``. Returns what became of the seat: "paid", "succeeded" (this
    payment filled the group), "refunding" (the seat no longer counts) or None (not a group order,
    or told before)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = GroupBuyMember.objects.filter(order_id=order_id).values("pk", "group_id").first()
        if row is None:
            return None
        group = lock_group(row["group_id"])
        member = locks.lock_group_member(row["pk"])
        if member.status != GroupMemberStatus.RESERVED:
            return None  # told before; a released seat's order was cancelled and never pays
        counts = (
            group.status == GroupStatus.OPENING
            if member.is_leader
            else group.status == GroupStatus.FORMING and now < group.expires_at
        )
        if not counts:
            # Refunded by the deadline sweep, not here: this runs inside WeChat's payment
            # notification, which must be answered within seconds, and a refund is a WeChat call.
            member.status = GroupMemberStatus.REFUNDING
            member.paid_at = now
            member.save(update_fields=["status", "paid_at"])
            return "refunding"
        member.status = GroupMemberStatus.PAID
        member.paid_at = now
        member.save(update_fields=["status", "paid_at"])
        group.paid_count += 1
        fields = ["paid_count"]
        if member.is_leader:
            a = GroupBuyActivity.objects.get(pk=group.activity_id)
            group.status = GroupStatus.FORMING
            group.opened_at = now
            group.expires_at = now + timedelta(minutes=a.time_limit_minutes)
            fields += ["status", "opened_at", "expires_at"]
        outcome = "paid"
        if group.paid_count >= group.size:
            group.status = GroupStatus.SUCCEEDED
            group.finished_at = now
            fields += ["status", "finished_at"]
            orders = list(group.members.filter(status=GroupMemberStatus.PAID).values_list("order_id", flat=True))
            transaction.on_commit(partial(_release_holds, orders))
            publish_on_commit("group_buy_succeeded", group_id=group.pk)
            outcome = "succeeded"
        group.save(update_fields=list(dict.fromkeys(fields)))
    return outcome


@transaction.atomic
def group_member_released(*, order_id: int, now: datetime | None = None) -> bool:
    """Handler of ``order_cancelled``: an unpaid seat is given up (by the shopper, an operator or
    the payment timeout), so someone else can take it. A leader who never paid leaves a group
    that never opened, and the activity gets its group count back."""
    now = now or timezone.now()
    row = GroupBuyMember.objects.filter(order_id=order_id, status=GroupMemberStatus.RESERVED).values("group_id").first()
    if row is None:
        return False
    group = lock_group(row["group_id"])
    member = locks.lock_group_member_of_order(order_id)
    if member.status != GroupMemberStatus.RESERVED:
        return False
    member.status = GroupMemberStatus.RELEASED
    member.released_at = now
    member.save(update_fields=["status", "released_at"])
    GroupBuyGroup.objects.filter(pk=group.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)
    if member.is_leader and group.status == GroupStatus.OPENING:
        GroupBuyGroup.objects.filter(pk=group.pk).update(status=GroupStatus.ABANDONED, finished_at=now)
        GroupBuyActivity.objects.filter(pk=group.activity_id, groups_opened__gt=0).update(
            groups_opened=F("groups_opened") - 1
        )
    return True


def group_member_refunded(*, order_id: int, now: datetime | None = None) -> bool:
    """Handler of ``order_closed``: the voided order's money is back with the shopper."""
    now = now or timezone.now()
    return bool(
        GroupBuyMember.objects.filter(order_id=order_id, status=GroupMemberStatus.REFUNDING).update(
            status=GroupMemberStatus.REFUNDED, refunded_at=now
        )
    )


# ---------------------------------------------------------------------------------------------
# the deadline


def group_fail(*, group_id: int, now: datetime | None = None) -> bool:
    """The deadline passed with seats empty: the group fails, unpaid orders are cancelled and
    every paid member is refunded in full. Returns False when the group was not due."""
    now = now or timezone.now()
    with transaction.atomic():
        group = lock_group(group_id)
        if group.status != GroupStatus.FORMING or group.expires_at is None or now < group.expires_at:
            return False
        group.status = GroupStatus.FAILED
        group.finished_at = now
        group.save(update_fields=["status", "finished_at"])
        members = locks.lock_group_members(group.pk, statuses=[GroupMemberStatus.RESERVED, GroupMemberStatus.PAID])
        unpaid = [m.order_id for m in members if m.status == GroupMemberStatus.RESERVED and m.order_id]
        paid = [m.order_id for m in members if m.status == GroupMemberStatus.PAID]
        GroupBuyMember.objects.filter(pk__in=[m.pk for m in members if m.status == GroupMemberStatus.PAID]).update(
            status=GroupMemberStatus.REFUNDING
        )
        transaction.on_commit(partial(_cancel_unpaid, unpaid))
        transaction.on_commit(partial(_refund, paid))
        publish_on_commit("group_buy_failed", group_id=group.pk)
    return True


def _cancel_unpaid(order_ids: list[int]) -> None:
    for order_id in order_ids:
        try:
            order_cancel(order_id=order_id, by=None, reason="拼团未成功，订单取消")
        except DomainError:
            # Paid in the meantime: ``group_member_paid`` sees the failed group and refunds it.
            logger.info("group-buy: order %s was paid before it could be cancelled", order_id)


def sweep_group_deadlines(*, now: datetime) -> int:
    """Fail every group past its deadline, then finish what a crash may have left: holds of
    succeeded groups not yet released, refunds owed but not yet asked for (asking again is
    harmless: one refund per order). Returns the number of groups failed."""
    failed = 0
    due = GroupBuyGroup.objects.filter(status=GroupStatus.FORMING, expires_at__lte=now).order_by("expires_at")
    for group_id in due.values_list("pk", flat=True)[:500]:
        failed += group_fail(group_id=group_id, now=now)
    held = GroupBuyMember.objects.filter(
        group__status=GroupStatus.SUCCEEDED,
        status=GroupMemberStatus.PAID,
        order__fulfilment_hold=OrderHold.GROUP_BUY,
    ).values_list("order_id", flat=True)
    _release_holds(list(held[:500]))
    owed = GroupBuyMember.objects.filter(
        status=GroupMemberStatus.REFUNDING, order__status=OrderStatus.PAID, paid_at__lte=now
    ).values_list("order_id", flat=True)
    _refund(list(owed[:500]))
    return failed
