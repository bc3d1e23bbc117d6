"""Shared wording of the variables the handlers fill: amounts as ``12.50元`` and times as
``2026年01月02日 15:04`` (what both the message centre and WeChat's amount/time keywords take)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from fenxiao.core.money import fen_to_yuan


def amount(fen: int) -> str:
    return f"{fen_to_yuan(fen)}元"


def when(at: datetime | None) -> str:
    return timezone.localtime(at or timezone.now()).strftime("%Y年%m月%d日 %H:%M")


def product_summary(titles: list[str]) -> str:
    """The first product's name, with 等N件 when the order has several lines."""
    if not titles:
        return "商品"
    return titles[0] if len(titles) == 1 else f"{titles[0]}等{len(titles)}件"
