"""What a decision on a case does to money, plugged in by the layer that holds it (distribution),
inside the decision's transaction (``core.extensions`` hooks): risk never imports distribution.

A hook is called ``hook(case=..., decision="clear"|"confirm", suspend=bool, actor_id=...)`` and
returns the fen of commission it reversed (0 on a clear)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fenxiao.core.extensions import HookPoint

if TYPE_CHECKING:
    pass

CaseDecisionHook = Callable[..., int]
case_decision_hooks: HookPoint[CaseDecisionHook] = HookPoint("risk.case_decision")
