"""Where promotions adds its facts to the compliance report.

Promotions sits above distribution (DESIGN §2), so the report cannot read the invite tables
itself. Rather than assembling the report higher up (analytics or the API face, which would then
need to know distribution's settings, tiers and network too, and would split one report across
two layers), promotions registers a function that answers plain counts (``InviteFacts``) from its
``AppConfig.ready``, the way it registers its pricing hooks. The report stays one service that the
API and the admin both call; promotions keeps the knowledge of its own tables."""

from __future__ import annotations

from collections.abc import Callable

from fenxiao.core.extensions import HookPoint
from fenxiao.distribution.compliance.rules import InviteFacts

invite_facts_providers: HookPoint[Callable[[], InviteFacts]] = HookPoint(
    "distribution.compliance.invite_facts", single=True
)


def invite_facts() -> InviteFacts | None:
    """The invite campaigns' facts, or ``None`` when no app provides them (no invite campaigns)."""
    providers = invite_facts_providers.all()
    return providers[0]() if providers else None
