"""Every row lock the invites app takes, as small named functions (see ``promotions/locks.py``
for the order across promotions: invites' locks come after activities and seckill purchases and
before coupon templates, which a reward locks when it issues coupons).

Order inside invites: campaign; invitation; invite codes by id."""

from __future__ import annotations

from collections.abc import Iterable

from fenxiao.promotions.invites.models import Invite, InviteCampaign, InviteCode


def lock_campaign_row(campaign_id: int) -> InviteCampaign | None:
    return InviteCampaign.objects.select_for_update().filter(pk=campaign_id).first()


def lock_invite(invite_id: int) -> Invite:
    """The invitation with its campaign read alongside (only the invitation's row is locked)."""
    return Invite.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=invite_id)


def lock_invite_codes(code_ids: Iterable[int]) -> list[InviteCode]:
    """Codes by id, in id order, so two users accepting each other's code never wait on each other."""
    return list(InviteCode.objects.select_for_update().filter(pk__in=list(code_ids)).order_by("pk"))


def lock_invite_codes_of(user_id: int) -> list[InviteCode]:
    """A user's codes: their rewards are counted and added one at a time."""
    return list(InviteCode.objects.select_for_update().filter(user_id=user_id))
