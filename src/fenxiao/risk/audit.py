"""Writing the audit log. Callers pass plain values (before/after dicts) so the log never holds a
live reference to a model that may change later."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fenxiao.risk.models import AuditEntry


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"field": {"from": old, "to": new}}`` for every key whose value changed."""
    keys = sorted(set(before) | set(after))
    return {k: {"from": before.get(k), "to": after.get(k)} for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str | int = "",
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:300],
        changes=dict(changes or {}),
    )
