"""The campaign's K-factor: new paying users brought per inviting user, without floats.

Rounded down like every other rate in the mall, as basis points (1.25 → 12500) for machines and
as a two-decimal string for people."""

from __future__ import annotations

from typing import NamedTuple


class KFactor(NamedTuple):
    bps: int
    text: str


def k_factor(*, new_paying_users: int, inviters: int) -> KFactor:
    """0 when nobody has invited yet (there is no ratio to speak of)."""
    if new_paying_users < 0 or inviters < 0:
        raise ValueError("counts cannot be negative")
    if inviters == 0:
        return KFactor(0, "0.00")
    hundredths = new_paying_users * 100 // inviters
    return KFactor(new_paying_users * 10_000 // inviters, f"{hundredths // 100}.{hundredths % 100:02d}")
