"""Masks for personal data shown to anyone but its owner (DESIGN §5 team lists, admin exports)."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """``13812345678 -> 138****5678``; short or empty values are masked whole."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name: str) -> str:
    """``张三 -> 张*``, ``欧阳娜娜 -> 欧***``."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
