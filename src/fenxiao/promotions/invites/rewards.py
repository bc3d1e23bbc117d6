"""An invitation's reward lifecycle, driven by what the invitee's first paid order has become.

``invite_sync`` looks at the order as it is now and moves the invitation forward:

- first paid order found → ``ordered`` (the reward is pending);
- the order completed (``order_completed``: received, the after-sales window over, nothing open)
  → both coupons issued, ``rewarded``;
- the order closed (every unit refunded) before that → ``revoked``;
- no paid order by the deadline, or a first order paid after it → ``expired``.

It decides only on facts that never go back (a completed or closed order, refunds that only
grow), so one function serves every event, a replay, and the repair sweep: each call either finds
nothing new to do or does the next step once. The invitation row is locked for the decision and
the rewards are unique per invitation and role, so two deliveries racing issue once.

Partial refunds: the reward stands while the goods the new user actually paid for, after
refunds and without shipping, still reach the campaign's minimum (at least 1 fen). A coupon can
not be shrunk in proportion the way commission is, and the reward is for a real purchase: keeping
part of the order is one; buying big to qualify and refunding most of it is not. Once below the
minimum the reward is revoked at once (refunds only grow, so it could never qualify again)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.orders.models import Order, OrderLine, OrderStatus
from fenxiao.promotions.coupons.claims import coupon_issue
from fenxiao.promotions.invites.locks import lock_invite, lock_invite_codes_of
from fenxiao.promotions.invites.models import (
    OPEN_STATUSES,
    Invite,
    InviteReward,
    InviteStatus,
    RevokeReason,
    RewardRole,
)
from fenxiao.risk.blacklist.services import is_blacklisted

logger = logging.getLogger(__name__)
BATCH = 500


def order_net_goods_fen(order_id: int) -> int:
    """What the buyer still pays for the goods: line ``paid_fen`` (after discounts, no shipping)
    minus what was refunded on them."""
    total = OrderLine.objects.filter(order_id=order_id).aggregate(net=Sum(F("paid_fen") - F("refunded_fen")))["net"]
    return total or 0


def first_paid_order(invitee_id: int) -> Order | None:
    return Order.objects.filter(buyer_id=invitee_id, paid_at__isnull=False).order_by("paid_at", "id").first()


def invite_sync_for_order(*, order_id: int, now: datetime | None = None) -> Invite | None:
    """An order event: bring the buyer's open invitation (if any) in line with their orders."""
    open_invites = Invite.objects.filter(invitee__orders__id=order_id, status__in=OPEN_STATUSES)
    invite_id = open_invites.values_list("pk", flat=True).first()
    if invite_id is None:
        return None
    return invite_sync(invite_id=invite_id, now=now)


@transaction.atomic
def invite_sync(*, invite_id: int, now: datetime | None = None) -> Invite:
    now = now or timezone.now()
    invite = lock_invite(invite_id)
    if invite.status == InviteStatus.ACCEPTED:
        _find_first_order(invite, now)
    if invite.status == InviteStatus.ORDERED:
        _decide(invite, now)
    return invite


def _find_first_order(invite: Invite, now: datetime) -> None:
    order = first_paid_order(invite.invitee_id)
    if order is None:
        if now >= invite.order_deadline:
            _move(invite, InviteStatus.EXPIRED, expired_at=now)
        return
    if order.paid_at > invite.order_deadline:
        _move(invite, InviteStatus.EXPIRED, expired_at=now, first_order=order, ordered_at=order.paid_at)
        return
    _move(invite, InviteStatus.ORDERED, first_order=order, ordered_at=order.paid_at)
    if order.paid_at < invite.accepted_at:
        # Paid while the acceptance was being checked: the user was not new when they accepted.
        _move(invite, InviteStatus.REVOKED, revoked_at=now, revoke_reason=RevokeReason.PAID_BEFORE_ACCEPT)


def _decide(invite: Invite, now: datetime) -> None:
    status = Order.objects.filter(pk=invite.first_order_id).values_list("status", flat=True).get()
    net = order_net_goods_fen(invite.first_order_id)
    if status == OrderStatus.CLOSED or net <= 0:
        _move(invite, InviteStatus.REVOKED, revoked_at=now, revoke_reason=RevokeReason.REFUNDED)
    elif net < invite.campaign.min_order_fen:
        _move(invite, InviteStatus.REVOKED, revoked_at=now, revoke_reason=RevokeReason.BELOW_MINIMUM)
    elif status == OrderStatus.COMPLETED:
        _reward(invite, now)


def _reward(invite: Invite, now: datetime) -> None:
    """Both coupons or neither: a sold-out template raises and rolls the whole reward back, and
    the invitation stays pending for the sweep to try again once the operator adds stock."""
    campaign = invite.campaign
    capped = False
    if campaign.max_rewards_per_inviter is not None:
        # One inviter's rewards are counted and added one at a time.
        lock_invite_codes_of(invite.inviter_id)
        earned = InviteReward.objects.filter(
            role=RewardRole.INVITER, user_id=invite.inviter_id, invite__campaign=campaign
        ).count()
        capped = earned >= campaign.max_rewards_per_inviter
    grants = [(campaign.invitee_template_id, RewardRole.INVITEE, invite.invitee_id)]
    if not capped:
        grants.append((campaign.inviter_template_id, RewardRole.INVITER, invite.inviter_id))
    # A blacklisted person receives no invite reward (issue 19 §1); the other side still does.
    grants = [grant for grant in grants if not is_blacklisted(user_id=grant[2])]
    # Templates are locked in ascending id order, so two rewards never wait on each other's.
    for template_id, role, user_id in sorted(grants):
        coupon = coupon_issue(user_id=user_id, template_id=template_id, now=now)
        InviteReward.objects.create(invite=invite, role=role, user_id=user_id, user_coupon=coupon, issued_at=now)
    _move(invite, InviteStatus.REWARDED, rewarded_at=now, inviter_capped=capped)


def _move(invite: Invite, status: str, **fields: object) -> None:
    invite.status = status
    for key, value in fields.items():
        setattr(invite, key, value)
    invite.save(update_fields=["status", *fields])


def _due_ids(now: datetime) -> list[int]:
    paid = Order.objects.filter(buyer_id=OuterRef("invitee_id"), paid_at__isnull=False)
    waiting = Invite.objects.filter(status=InviteStatus.ACCEPTED).filter(Q(order_deadline__lte=now) | Exists(paid))
    deciding = Invite.objects.filter(status=InviteStatus.ORDERED).filter(
        Q(first_order__status__in=(OrderStatus.COMPLETED, OrderStatus.CLOSED)) | Q(first_order__refunded_fen__gt=0)
    )
    ids = set(waiting.values_list("pk", flat=True)[:BATCH]) | set(deciding.values_list("pk", flat=True)[:BATCH])
    return sorted(ids)[:BATCH]


def sweep_invites(*, now: datetime) -> int:
    """Repairs what a lost event left behind (and expires invitations with no first order in
    time). Returns how many invitations moved."""
    moved = 0
    for invite_id in _due_ids(now):
        before = Invite.objects.filter(pk=invite_id).values_list("status", flat=True).get()
        try:
            after = invite_sync(invite_id=invite_id, now=now).status
        except DomainError as exc:  # e.g. a reward template sold out: stays pending, retried next run
            logger.warning("invite sweep: invite %s not settled: %s", invite_id, exc.code)
            continue
        moved += after != before
    return moved
