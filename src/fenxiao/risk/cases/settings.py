"""The fraud thresholds: read (one row, created with its defaults) and changed by an operator, each
change validated and audit-logged like the distribution settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from fenxiao.risk.audit import audit_record, changed_fields
from fenxiao.risk.errors import RiskError
from fenxiao.risk.models import RiskSettings

# field: (smallest, largest) allowed
LIMITS: dict[str, tuple[int, int]] = {
    "ring_min_accounts": (2, 1_000),
    "ring_window_days": (1, 365),
    "refund_min_orders": (1, 100_000),
    "refund_max_bps": (0, 10_000),
    "refund_window_days": (1, 365),
    "burst_max_first_orders": (1, 100_000),
    "invite_max_per_cluster": (2, 1_000),
}
FIELDS = tuple(LIMITS)


def risk_settings() -> RiskSettings:
    row = RiskSettings.objects.filter(pk=1).first()
    if row is None:
        row, _ = RiskSettings.objects.get_or_create(pk=1)
    return row


def risk_settings_values(row: RiskSettings | None = None) -> dict[str, int]:
    row = row or risk_settings()
    return {name: getattr(row, name) for name in FIELDS}


def risk_settings_check(changes: Mapping[str, Any]) -> dict[str, int]:
    """The changes as integers within their limits, or the first broken one as an error."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise RiskError("RISK_SETTINGS_UNKNOWN_FIELD", f"未知的风控设置项：{', '.join(sorted(unknown))}")
    clean: dict[str, int] = {}
    for name, value in changes.items():
        low, high = LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            label = RiskSettings._meta.get_field(name).verbose_name
            raise RiskError("RISK_SETTINGS_OUT_OF_RANGE", f"{label}应为 {low} 到 {high} 之间的整数", field=name)
        clean[name] = value
    return clean


@transaction.atomic
def risk_settings_update(*, actor_id: int | None, changes: Mapping[str, Any]) -> RiskSettings:
    clean = risk_settings_check(changes)
    risk_settings()
    row = RiskSettings.objects.select_for_update().get(pk=1)
    before = risk_settings_values(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.updated_by_id = actor_id
    row.save()
    diff = changed_fields(before, risk_settings_values(row))
    if diff:
        audit_record(
            actor_id=actor_id,
            action="risk.settings_update",
            target_type="risk_settings",
            target_id=1,
            summary="修改风控阈值：" + "、".join(diff),
            changes=diff,
        )
    return row
