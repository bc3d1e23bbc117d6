"""A person's identifying values, every one normalised, empty ones left out."""

from __future__ import annotations

from dataclasses import dataclass, field

IDENTITY_KINDS = ("phone", "address", "device", "unionid")


@dataclass(frozen=True)
class Identity:
    """What ties a person to their accounts: every value normalised, empty ones left out."""

    user_id: int
    phones: frozenset[str] = field(default_factory=frozenset)
    addresses: frozenset[str] = field(default_factory=frozenset)
    devices: frozenset[str] = field(default_factory=frozenset)
    unionids: frozenset[str] = field(default_factory=frozenset)

    def values(self, kind: str) -> frozenset[str]:
        return {"phone": self.phones, "address": self.addresses, "device": self.devices, "unionid": self.unionids}[kind]
