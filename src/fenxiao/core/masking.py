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


def mask_account_no(number: str) -> str:
    """Only the last four digits of a bank card: enough to tell cards apart in a list."""
    return f"**** {number[-4:]}" if len(number) > 4 else ("*" * len(number))


def mask_order_no(order_no: str) -> str:
    """``202405011230451234567890 -> 202405****7890``: enough to match a buyer's screenshot,
    not enough to look the order up."""
    if len(order_no) <= 10:
        return order_no[:2] + "*" * max(len(order_no) - 2, 0)
    return f"{order_no[:6]}****{order_no[-4:]}"
