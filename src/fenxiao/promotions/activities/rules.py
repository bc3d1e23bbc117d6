"""The rules every promotional activity obeys, as pieces each kind puts in its own list of
problems (the order of the messages is part of what an operator sees, so each kind keeps its own).
Each piece returns the broken rules in Chinese, an empty list when there are none."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from fenxiao.catalog.models import Sku
from fenxiao.promotions.inputs import time_problem


class Activity(Protocol):
    """The fields seckill and group-buy activities share (both models have them)."""

    pk: int | None
    name: str
    sku_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    payment_minutes: int | None
    commission_allowed: bool | None
    status: str


def sku_sale_price(sku_id: int | None) -> int | None:
    """The SKU's sale price, ``None`` when there is no such SKU (or none was chosen)."""
    return Sku.objects.filter(pk=sku_id).values_list("price_fen", flat=True).first() if sku_id else None


def name_problems(a: Activity) -> list[str]:
    return [] if (a.name or "").strip() else ["请填写活动名称"]


def sku_problems(sale_price_fen: int | None) -> list[str]:
    return ["SKU 不存在"] if sale_price_fen is None else []


def price_problems(*, label: str, price_fen: int | None, sale_price_fen: int | None) -> list[str]:
    """The promotional price (``label`` names it: 秒杀价, 拼团价) is not negative and, when the SKU
    is known, not above its sale price: a promotion never makes a thing dearer."""
    if price_fen is None or price_fen < 0:
        return [f"{label}不能为负"]
    if sale_price_fen is not None and price_fen > sale_price_fen:
        return [f"{label}不能高于售价"]
    return []


def payment_minutes_problems(a: Activity) -> list[str]:
    return ["支付时限至少为 1 分钟"] if not a.payment_minutes or a.payment_minutes < 1 else []


def window_and_commission_problems(a: Activity) -> list[str]:
    """The last rules of every activity: a window with time zones that ends after it starts, and
    an explicit choice about distribution commission."""
    problems = []
    if time_problem(a.starts_at, a.ends_at):
        problems.append("开始和结束时间须带时区")
    elif a.starts_at is None or a.ends_at is None or a.ends_at <= a.starts_at:
        problems.append("结束时间必须晚于开始时间")
    if a.commission_allowed is None:
        problems.append("请选择是否参与分销佣金")
    return problems


def window_state(*, paused: bool, starts_at: datetime, ends_at: datetime, now: datetime, exhausted: str | None) -> str:
    """ "paused" / "upcoming" / "ended" / the kind's own word for no more to sell (``exhausted``:
    "sold_out", "full") / "on_sale", in that order of precedence: what the shopper is shown."""
    if paused:
        return "paused"
    if now < starts_at:
        return "upcoming"
    if now >= ends_at:
        return "ended"
    if exhausted:
        return exhausted
    return "on_sale"
