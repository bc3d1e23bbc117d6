"""Pure pricing rules: splitting an amount across lines, shipping fees, totals. No database here,
so every rule has fast table tests (tests/unit/test_pricing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fenxiao.orders.errors import OrderError


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` fen across ``weights`` in proportion, exact to the fen (largest remainder).

    The parts always add up to ``total``; a part never exceeds its weight when ``total`` does not
    exceed the sum of weights (a discount never makes a line negative). Ties in the remainder go to
    the earlier weight, so the split is deterministic."""
    if total < 0:
        raise ValueError("total must not be negative")
    weight_sum = sum(weights)
    if total == 0 or not weights:
        return [0] * len(weights)
    if weight_sum <= 0:
        raise ValueError("cannot allocate a positive total over zero weights")
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    short = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:short]:
        floors[i] += 1
    return floors


def cumulative_share(total: int, *, part: int, done: int, whole: int) -> int:
    """The share of ``total`` for ``part`` more units when ``done`` of ``whole`` were already
    counted. Taking shares this way, however the units are split into steps, the steps add up to
    ``total`` exactly once all ``whole`` units are counted (refunding 1 + 1 + 1 of 3 units of a
    100 fen line gives 33 + 33 + 34)."""
    if not 0 <= done <= whole or not 0 <= part <= whole - done:
        raise ValueError("units out of range")
    if whole == 0:
        return 0
    return total * (done + part) // whole - total * done // whole


@dataclass(frozen=True)
class ShippingRuleSpec:
    provinces: tuple[str, ...]
    first_units: int
    first_fen: int
    extra_units: int
    extra_fen: int
    is_unreachable: bool = False


@dataclass(frozen=True)
class ShippingTemplateSpec:
    id: int
    name: str
    charge_by: str  # "piece" | "weight"
    free_over_fen: int | None
    rules: tuple[ShippingRuleSpec, ...]


@dataclass(frozen=True)
class ShippingItem:
    goods_fen: int
    quantity: int
    weight_g: int  # per unit


def rule_for_province(template: ShippingTemplateSpec, province: str) -> ShippingRuleSpec | None:
    """The rule naming the province, else the catch-all rule (no provinces), else none."""
    for rule in template.rules:
        if province in rule.provinces:
            return rule
    for rule in template.rules:
        if not rule.provinces:
            return rule
    return None


def rule_fee(rule: ShippingRuleSpec, units: int) -> int:
    """First units at the first fee, then every started block of extra units at the extra fee."""
    if units <= 0:
        return 0
    extra = max(0, units - rule.first_units)
    blocks = -(-extra // rule.extra_units)
    return rule.first_fen + blocks * rule.extra_fen


def template_fee(template: ShippingTemplateSpec, *, province: str, items: Sequence[ShippingItem]) -> int:
    """Shipping for the items one template covers, to one province."""
    goods = sum(i.goods_fen for i in items)
    rule = rule_for_province(template, province)
    if rule is None or rule.is_unreachable:
        raise OrderError("SHIPPING_UNREACHABLE", f"商品暂不支持配送至{province}", field="address_id")
    if template.free_over_fen is not None and goods >= template.free_over_fen:
        return 0
    if template.charge_by == "weight":
        units = sum(i.weight_g * i.quantity for i in items)
    else:
        units = sum(i.quantity for i in items)
    return rule_fee(rule, units)


@dataclass
class QuoteLine:
    sku_id: int
    product_id: int
    title: str
    sku_code: str
    specs: str
    image: str
    unit_price_fen: int
    quantity: int
    weight_g: int
    category_id: int | None = None
    discount_fen: int = 0

    @property
    def goods_fen(self) -> int:
        return self.unit_price_fen * self.quantity

    @property
    def paid_fen(self) -> int:
        return self.goods_fen - self.discount_fen


@dataclass(frozen=True)
class Discount:
    """One discount a pricing provider grants. ``line_amounts`` says exactly how much each line
    (by index) gets; a provider that only knows a total uses ``spread_discount``."""

    kind: str  # "coupon", "seckill", "group_buy", ...
    label: str  # shown to the shopper, e.g. "满100减20"
    line_amounts: dict[int, int]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def amount_fen(self) -> int:
        return sum(self.line_amounts.values())


def spread_discount(total: int, lines: Sequence[QuoteLine], eligible: Sequence[int]) -> dict[int, int]:
    """Spread a discount over the eligible lines in proportion to what is still payable on each,
    capped at that amount, exact to the fen. This is what lowers each line's commission base."""
    payable = [lines[i].paid_fen for i in eligible]
    capped = min(total, sum(payable))
    return dict(zip(eligible, allocate(capped, payable), strict=True))


def apply_discounts(lines: Sequence[QuoteLine], discounts: Sequence[Discount]) -> None:
    """Add each discount to its lines; refuse a discount that would make a line negative."""
    for discount in discounts:
        for index, amount in discount.line_amounts.items():
            if amount < 0 or amount > lines[index].paid_fen:
                raise ValueError(f"discount {discount.kind} exceeds what line {index} still costs")
            lines[index].discount_fen += amount


@dataclass
class Quote:
    lines: list[QuoteLine]
    shipping_fen: int
    discounts: list[Discount]
    shipping_address: dict[str, str] | None = None

    @property
    def goods_fen(self) -> int:
        return sum(line.goods_fen for line in self.lines)

    @property
    def discount_fen(self) -> int:
        return sum(line.discount_fen for line in self.lines)

    @property
    def payable_fen(self) -> int:
        return self.goods_fen + self.shipping_fen - self.discount_fen
