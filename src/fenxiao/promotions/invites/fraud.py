"""Invite abuse (issue 19 §1): many invitees of one inviter on one device or at one address means
one person collecting rewards for invitations to themself. Promotions knows the invitations, so
it gathers the facts; ``risk`` judges and opens the case (holding any commission the invitees'
first orders earned)."""

from __future__ import annotations

from fenxiao.promotions.invites.models import Invite
from fenxiao.risk.cases import rules
from fenxiao.risk.cases.services import risk_case_open
from fenxiao.risk.cases.settings import risk_settings
from fenxiao.risk.identities.reader import identities_of
from fenxiao.risk.models import CaseKind, RiskCase

MAX_INVITEES = 2_000  # an inviter's invitations read at once; more is a case long before


def fraud_check_invites(*, inviter_id: int) -> list[RiskCase]:
    invites = list(Invite.objects.filter(inviter_id=inviter_id).values_list("invitee_id", "first_order_id"))[
        :MAX_INVITEES
    ]
    identities = identities_of([invitee for invitee, _ in invites])
    found = rules.invite_abuse(
        invitees=[
            rules.Invitee(user_id=i.user_id, devices=i.devices, addresses=i.addresses) for i in identities.values()
        ],
        min_invitees=risk_settings().invite_max_per_cluster,
    )
    first_orders = {invitee: order for invitee, order in invites if order}
    cases = []
    for cluster in found:
        cases.append(
            risk_case_open(
                kind=CaseKind.INVITE_ABUSE,
                subject_user_id=inviter_id,
                order_ids=[first_orders[u] for u in cluster.user_ids if u in first_orders],
                evidence={
                    "rule": "invite_abuse",
                    "shared_kind": cluster.kind,
                    "shared_value": cluster.value,
                    "invitee_ids": list(cluster.user_ids),
                },
                summary=f"{len(cluster.user_ids)} 名受邀人共用{'地址' if cluster.kind == 'address' else '设备'}",
            )
        )
    return cases
