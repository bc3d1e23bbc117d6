"""Reading invite campaigns and invitations: the campaign report (with its K-factor), a shopper's
own invitations, and what each invitation's reward looks like to the person asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from fenxiao.accounts.models import User
from fenxiao.promotions.invites.errors import campaign_not_found
from fenxiao.promotions.invites.kfactor import k_factor
from fenxiao.promotions.invites.models import (
    Invite,
    InviteCampaign,
    InviteReward,
    InviteStatus,
    RevokeReason,
    RewardRole,
)
from fenxiao.promotions.models import UserCouponStatus

S = InviteStatus

# A new paying user: their first order was paid in time after accepting. A later refund revokes
# the reward but does not undo that they came and paid; one who had paid before accepting never
# was a new user.
FIRST_ORDER = Q(invites__status__in=(S.ORDERED, S.REWARDED)) | Q(
    invites__status=S.REVOKED, invites__revoke_reason__in=(RevokeReason.REFUNDED, RevokeReason.BELOW_MINIMUM)
)


def campaigns_with_counts(qs: QuerySet[InviteCampaign] | None = None) -> QuerySet[InviteCampaign]:
    """Campaigns with their report numbers in one query (the list pages show them)."""
    qs = InviteCampaign.objects.all() if qs is None else qs
    return qs.select_related("inviter_template", "invitee_template").annotate(
        n_invites=Count("invites"),
        n_sign_ups=Count("invites__invitee", distinct=True),
        n_first_orders=Count("invites", filter=FIRST_ORDER),
        n_awaiting=Count("invites", filter=Q(invites__status=S.ACCEPTED)),
        n_pending=Count("invites", filter=Q(invites__status=S.ORDERED)),
        n_rewarded=Count("invites", filter=Q(invites__status=S.REWARDED)),
        n_revoked=Count("invites", filter=Q(invites__status=S.REVOKED)),
        n_expired=Count("invites", filter=Q(invites__status=S.EXPIRED)),
        n_capped=Count("invites", filter=Q(invites__inviter_capped=True)),
        n_inviters=Count("invites__inviter", distinct=True),
    )


def counts_of(c: InviteCampaign) -> dict[str, int | str]:
    """The numbers of a campaign from ``campaigns_with_counts``.

    ``invites`` are accepted invitations and ``sign_ups`` the new users who accepted them; as a
    new user accepts at most one invitation the two are equal, and both are reported because
    they answer different questions. K-factor = new paying users / inviting users."""
    k = k_factor(new_paying_users=c.n_first_orders, inviters=c.n_inviters)
    return {
        "invites": c.n_invites,
        "sign_ups": c.n_sign_ups,
        "first_orders": c.n_first_orders,
        "awaiting_first_order": c.n_awaiting,
        "pending_rewards": c.n_pending,
        "rewarded": c.n_rewarded,
        "revoked": c.n_revoked,
        "expired": c.n_expired,
        "inviter_capped": c.n_capped,
        "inviters": c.n_inviters,
        "k_factor_bps": k.bps,
        "k_factor": k.text,
    }


def campaign_get(*, campaign_id: int) -> InviteCampaign:
    c = campaigns_with_counts().filter(pk=campaign_id).first()
    if c is None:
        raise campaign_not_found()
    return c


def campaign_report(*, campaign: InviteCampaign) -> dict[str, int | str]:
    """The counts plus the coupons the campaign issued and how many were spent. ``campaign``
    comes from ``campaign_get``."""
    c = campaign
    rewards = InviteReward.objects.filter(invite__campaign_id=c.pk)
    coupons = rewards.aggregate(
        inviter=Count("id", filter=Q(role=RewardRole.INVITER)),
        invitee=Count("id", filter=Q(role=RewardRole.INVITEE)),
        used=Count("id", filter=Q(user_coupon__status=UserCouponStatus.USED)),
    )
    return {
        **counts_of(c),
        "inviter_coupons": coupons["inviter"],
        "invitee_coupons": coupons["invitee"],
        "reward_coupons_used": coupons["used"],
    }


def campaign_invites(*, campaign_id: int, status: str | None = None) -> QuerySet[Invite]:
    qs = (
        Invite.objects.filter(campaign_id=campaign_id)
        .select_related("inviter", "invitee", "first_order")
        .prefetch_related("rewards")
        .order_by("-accepted_at", "-id")
    )
    return qs.filter(status=status) if status else qs


def invites_sent(*, user: User) -> QuerySet[Invite]:
    """Only the asking user's own invitations: a user never sees anyone else's."""
    return (
        Invite.objects.filter(inviter=user)
        .select_related("invitee", "campaign")
        .prefetch_related("rewards")
        .order_by("-accepted_at", "-id")
    )


def invites_sent_summary(*, user: User) -> dict[str, int]:
    row = Invite.objects.filter(inviter=user).aggregate(
        invited=Count("id"),
        ordered=Count("id", filter=Q(status__in=(S.ORDERED, S.REWARDED))),
        rewarded=Count("id", filter=Q(status=S.REWARDED, inviter_capped=False)),
    )
    return {"invited": row["invited"], "ordered": row["ordered"], "rewarded": row["rewarded"]}


def invite_received(*, user: User) -> Invite | None:
    return Invite.objects.filter(invitee=user).select_related("inviter", "campaign").prefetch_related("rewards").first()


@dataclass(frozen=True)
class RewardView:
    status: str  # waiting | pending | issued | capped | revoked | expired
    label: str
    user_coupon_id: int | None


def reward_view(invite: Invite, *, role: str) -> RewardView:
    """What the invitation's reward is for ``role`` (the inviter or the new user)."""
    if invite.status == S.ACCEPTED:
        waiting = "待好友完成首单" if role == RewardRole.INVITER else "完成首单后可获得奖励"
        return RewardView("waiting", waiting, None)
    if invite.status == S.ORDERED:
        return RewardView("pending", "首单售后期结束后发放", None)
    if invite.status == S.REWARDED:
        mine = next((r for r in invite.rewards.all() if r.role == role), None)
        if mine is None:
            return RewardView("capped", "已达本活动奖励上限", None)
        return RewardView("issued", "优惠券已发放", mine.user_coupon_id)
    if invite.status == S.REVOKED:
        return RewardView("revoked", f"奖励已取消：{RevokeReason(invite.revoke_reason).label}", None)
    return RewardView("expired", "未在时限内完成首单", None)
