"""What the mini-program and the operator console send and receive for invite campaigns.
Amounts are fen; the K-factor is basis points plus a two-decimal string."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import StringConstraints

from fenxiao.accounts.models import User
from fenxiao.core.masking import mask_name, mask_phone
from fenxiao.promotions.coupons.rules import label_for
from fenxiao.promotions.coupons.selectors import coupon_spec
from fenxiao.promotions.inputs import Fen, PatchSchema, Positive, RowId, When
from fenxiao.promotions.invites.campaigns import (
    MAX_ACCEPT_HOURS,
    MAX_ORDER_DAYS,
    NULLABLE,
    CampaignState,
    campaign_state,
)
from fenxiao.promotions.invites.models import Invite, InviteCampaign, InviteStatus, RewardRole
from fenxiao.promotions.invites.selectors import counts_of, reward_view
from fenxiao.promotions.models import CouponTemplate

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
AcceptHours = Annotated[int, Field(ge=1, le=MAX_ACCEPT_HOURS)]
OrderDays = Annotated[int, Field(ge=1, le=MAX_ORDER_DAYS)]


# ---- operator -------------------------------------------------------------------------------


class CampaignIn(Schema):
    name: Name
    starts_at: When
    ends_at: When
    inviter_template_id: RowId
    invitee_template_id: RowId
    max_rewards_per_inviter: Positive | None = None
    accept_within_hours: AcceptHours = 72
    order_within_days: OrderDays = 30
    min_order_fen: Fen = 0
    status: Literal["active", "paused"] = "active"


class CampaignPatch(PatchSchema):
    # Send null to remove the cap; null for any other field is refused.
    nullable = NULLABLE

    name: Name | None = None
    starts_at: When | None = None
    ends_at: When | None = None
    inviter_template_id: RowId | None = None
    invitee_template_id: RowId | None = None
    max_rewards_per_inviter: Positive | None = None
    accept_within_hours: AcceptHours | None = None
    order_within_days: OrderDays | None = None
    min_order_fen: Fen | None = None


class RewardTemplateOut(Schema):
    template_id: int
    name: str
    label: str
    valid_days_after_claim: int | None


class CampaignStatsOut(Schema):
    invites: int
    sign_ups: int
    first_orders: int
    awaiting_first_order: int
    pending_rewards: int
    rewarded: int
    revoked: int
    expired: int
    inviter_capped: int
    inviters: int
    k_factor_bps: int
    k_factor: str


class CampaignOut(Schema):
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    status: str
    state: str
    state_label: str
    inviter_reward: RewardTemplateOut
    invitee_reward: RewardTemplateOut
    max_rewards_per_inviter: int | None
    accept_within_hours: int
    order_within_days: int
    min_order_fen: int
    stats: CampaignStatsOut


class CampaignPageOut(Schema):
    items: list[CampaignOut]
    count: int
    page: int
    page_size: int


class InviteReportOut(CampaignStatsOut):
    campaign_id: int
    name: str
    state: str
    inviter_coupons: int
    invitee_coupons: int
    reward_coupons_used: int


class PersonOut(Schema):
    id: int
    name: str
    phone: str


class RewardOut(Schema):
    role: str
    user_id: int
    user_coupon_id: int
    issued_at: datetime


class InviteAdminOut(Schema):
    id: int
    campaign_id: int
    code: str
    inviter: PersonOut
    invitee: PersonOut
    status: str
    status_label: str
    accepted_at: datetime
    order_deadline: datetime
    first_order_id: int | None
    first_order_no: str | None
    ordered_at: datetime | None
    rewarded_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str
    expired_at: datetime | None
    inviter_capped: bool
    rewards: list[RewardOut]


class InvitePageOut(Schema):
    items: list[InviteAdminOut]
    count: int
    page: int
    page_size: int


def reward_template_dict(t: CouponTemplate) -> dict:
    return {
        "template_id": t.pk,
        "name": t.name,
        "label": label_for(coupon_spec(t)),
        "valid_days_after_claim": t.valid_days_after_claim,
    }


def campaign_dict(c: InviteCampaign) -> dict:
    """``c`` comes from ``selectors.campaigns_with_counts``."""
    state = campaign_state(c, timezone.now())
    return {
        "id": c.pk,
        "name": c.name,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "status": c.status,
        "state": state,
        "state_label": CampaignState.LABELS[state],
        "inviter_reward": reward_template_dict(c.inviter_template),
        "invitee_reward": reward_template_dict(c.invitee_template),
        "max_rewards_per_inviter": c.max_rewards_per_inviter,
        "accept_within_hours": c.accept_within_hours,
        "order_within_days": c.order_within_days,
        "min_order_fen": c.min_order_fen,
        "stats": counts_of(c),
    }


def _person(user: User, *, masked: bool) -> dict:
    name = user.nickname or user.get_full_name() or "微信用户"
    if masked:
        return {"id": user.pk, "name": mask_name(name), "phone": mask_phone(user.phone)}
    return {"id": user.pk, "name": name, "phone": user.phone}


def invite_admin_dict(i: Invite) -> dict:
    """Staff see names and phones in full (the console is theirs; every view is staff-only)."""
    return {
        "id": i.pk,
        "campaign_id": i.campaign_id,
        "code": i.code,
        "inviter": _person(i.inviter, masked=False),
        "invitee": _person(i.invitee, masked=False),
        "status": i.status,
        "status_label": InviteStatus(i.status).label,
        "accepted_at": i.accepted_at,
        "order_deadline": i.order_deadline,
        "first_order_id": i.first_order_id,
        "first_order_no": i.first_order.order_no if i.first_order_id else None,
        "ordered_at": i.ordered_at,
        "rewarded_at": i.rewarded_at,
        "revoked_at": i.revoked_at,
        "revoke_reason": i.revoke_reason,
        "expired_at": i.expired_at,
        "inviter_capped": i.inviter_capped,
        "rewards": [
            {"role": r.role, "user_id": r.user_id, "user_coupon_id": r.user_coupon_id, "issued_at": r.issued_at}
            for r in i.rewards.all()
        ],
    }


# ---- shopper --------------------------------------------------------------------------------


class AcceptIn(Schema):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]


class CampaignBriefOut(Schema):
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    inviter_reward: RewardTemplateOut
    invitee_reward: RewardTemplateOut
    max_rewards_per_inviter: int | None
    accept_within_hours: int
    order_within_days: int
    min_order_fen: int


class MyRewardOut(Schema):
    status: str
    label: str
    user_coupon_id: int | None


class InviteeOut(Schema):
    """Someone I invited, as I may see them: masked."""

    name: str
    phone: str
    status: str
    status_label: str
    accepted_at: datetime
    reward: MyRewardOut


class InvitedByOut(Schema):
    """Who invited me (masked) and what I get."""

    inviter_name: str
    campaign_name: str
    status: str
    status_label: str
    accepted_at: datetime
    order_deadline: datetime
    reward: MyRewardOut


class InviteSummaryOut(Schema):
    invited: int
    ordered: int
    rewarded: int


class MyInvitesOut(Schema):
    code: str
    share_path: str
    campaign: CampaignBriefOut | None
    summary: InviteSummaryOut
    invitees: list[InviteeOut]
    invited_by: InvitedByOut | None


class InviteePageOut(Schema):
    items: list[InviteeOut]
    count: int
    page: int
    page_size: int


class AcceptOut(Schema):
    invited_by: InvitedByOut


def campaign_brief_dict(c: InviteCampaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "inviter_reward": reward_template_dict(c.inviter_template),
        "invitee_reward": reward_template_dict(c.invitee_template),
        "max_rewards_per_inviter": c.max_rewards_per_inviter,
        "accept_within_hours": c.accept_within_hours,
        "order_within_days": c.order_within_days,
        "min_order_fen": c.min_order_fen,
    }


def _reward_dict(i: Invite, role: str) -> dict:
    view = reward_view(i, role=role)
    return {"status": view.status, "label": view.label, "user_coupon_id": view.user_coupon_id}


def invitee_dict(i: Invite) -> dict:
    person = _person(i.invitee, masked=True)
    return {
        "name": person["name"],
        "phone": person["phone"],
        "status": i.status,
        "status_label": InviteStatus(i.status).label,
        "accepted_at": i.accepted_at,
        "reward": _reward_dict(i, RewardRole.INVITER),
    }


def invited_by_dict(i: Invite) -> dict:
    return {
        "inviter_name": _person(i.inviter, masked=True)["name"],
        "campaign_name": i.campaign.name,
        "status": i.status,
        "status_label": InviteStatus(i.status).label,
        "accepted_at": i.accepted_at,
        "order_deadline": i.order_deadline,
        "reward": _reward_dict(i, RewardRole.INVITEE),
    }
