"""Pure coupon rules: which lines a coupon covers, what it takes off, and why it cannot be used.
No database here, so every rule has table tests (tests/promotions/coupons/test_rules.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fenxiao.orders.pricing import QuoteLine, spread_discount

NOT_YET_VALID = "尚未到使用时间"
EXPIRED = "已过期"
USED = "已使用"
OUT_OF_SCOPE = "不适用于这些商品"
BELOW_THRESHOLD = "未满足使用门槛"


@dataclass(frozen=True)
class CouponSpec:
    """What a template promises, as plain values."""

    kind: str  # "fixed" | "percent" | "no_threshold"
    amount_fen: int = 0
    percent_bps: int = 0
    cap_fen: int | None = None
    threshold_fen: int = 0
    scope: str = "all"  # "all" | "categories" | "products"
    category_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    stackable: bool = False


def eligible_lines(spec: CouponSpec, lines: Sequence[QuoteLine]) -> list[int]:
    """Indexes of the lines the coupon covers. A coupon that does not stack with other promotions
    skips lines another promotion already discounted; a line with nothing left to pay is skipped."""
    found = []
    for i, line in enumerate(lines):
        if line.paid_fen <= 0 or (not spec.stackable and line.discount_fen > 0):
            continue
        if spec.scope == "categories" and line.category_id not in spec.category_ids:
            continue
        if spec.scope == "products" and line.product_id not in spec.product_ids:
            continue
        found.append(i)
    return found


def face_value(spec: CouponSpec, base_fen: int) -> int:
    """What the coupon takes off a base (before capping at the base): percent rounds down to the fen."""
    if spec.kind == "percent":
        off = base_fen * spec.percent_bps // 10_000
        return off if spec.cap_fen is None else min(off, spec.cap_fen)
    return spec.amount_fen


def threshold_of(spec: CouponSpec) -> int:
    return 0 if spec.kind == "no_threshold" else spec.threshold_fen


def coupon_lines(spec: CouponSpec, lines: Sequence[QuoteLine]) -> tuple[dict[int, int], str | None]:
    """The discount per line index, exact to the fen, or the reason it gives nothing.

    The threshold is met by what the covered lines still cost; the discount never exceeds that."""
    eligible = eligible_lines(spec, lines)
    if not eligible:
        return {}, OUT_OF_SCOPE
    base = sum(lines[i].paid_fen for i in eligible)
    if base < threshold_of(spec):
        return {}, BELOW_THRESHOLD
    amount = min(face_value(spec, base), base)
    if amount <= 0:
        return {}, BELOW_THRESHOLD
    return spread_discount(amount, lines, eligible), None


def time_problem(*, now: datetime, starts_at: datetime, expires_at: datetime) -> str | None:
    if now >= expires_at:
        return EXPIRED
    if now < starts_at:
        return NOT_YET_VALID
    return None


def label_for(spec: CouponSpec) -> str:
    """How the checkout names the coupon: 满100减20 / 8.5折 / 无门槛减5."""
    if spec.kind == "percent":
        whole, rest = divmod(10_000 - spec.percent_bps, 1000)
        text = f"{whole}.{rest:03d}".rstrip("0").rstrip(".") + "折"
        if spec.cap_fen is not None:
            text += f"（最高减{yuan(spec.cap_fen)}）"
        return (f"满{yuan(spec.threshold_fen)}享" if spec.threshold_fen else "") + text
    if spec.kind == "no_threshold" or not spec.threshold_fen:
        return f"无门槛减{yuan(spec.amount_fen)}"
    return f"满{yuan(spec.threshold_fen)}减{yuan(spec.amount_fen)}"


def yuan(fen: int) -> str:
    whole, cents = divmod(fen, 100)
    return str(whole) if cents == 0 else f"{whole}.{cents:02d}".rstrip("0")
