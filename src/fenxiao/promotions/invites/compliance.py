"""The invite campaigns' contribution to the compliance report (distribution's, which cannot read
these tables: ``distribution.compliance.hooks``). A reward is for a new user's real purchase, so
the fact that matters is how many rewards were issued without a first order paid before them."""

from __future__ import annotations

from django.db.models import F, Q

from fenxiao.distribution.compliance.rules import InviteFacts
from fenxiao.promotions.invites.models import InviteCampaign, InviteReward


def invite_compliance_facts() -> InviteFacts:
    rewards = InviteReward.objects.all()
    unearned = rewards.filter(
        Q(invite__first_order__isnull=True)
        | Q(invite__first_order__paid_at__isnull=True)
        | Q(invite__first_order__paid_at__gt=F("issued_at"))
    )
    return InviteFacts(
        campaigns=InviteCampaign.objects.count(),
        rewards_issued=rewards.count(),
        rewards_without_paid_order=unearned.count(),
    )
