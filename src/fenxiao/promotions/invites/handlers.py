"""Subscribers to order events and the repair sweep (registered in InvitesConfig.ready). Each
only calls the lifecycle service, which is idempotent."""

from __future__ import annotations

from datetime import datetime

from fenxiao.promotions.invites import rewards
from fenxiao.promotions.invites.fraud import fraud_check_invites


def on_order_event(*, order_id: int, **_: object) -> None:
    """``order_paid``, ``order_line_refunded``, ``order_closed``, ``order_completed``."""
    rewards.invite_sync_for_order(order_id=order_id)


def sweep_invites(*, now: datetime) -> int:
    return rewards.sweep_invites(now=now)


def on_invite_accepted(*, inviter_id: int, **_payload) -> None:
    fraud_check_invites(inviter_id=inviter_id)
