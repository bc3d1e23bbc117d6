"""What the seckill and group-buy pricing providers share. Both grant their price only to an order
their own endpoint is placing, for exactly one line of the activity's SKU, and explain the
discount the same way (``{label} ¥price`` and the activity's id, name and commission choice in
the adjustment's data, which distribution reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from fenxiao.core.errors import DomainError
from fenxiao.core.money import fen_to_yuan
from fenxiao.orders.pricing import Discount, QuoteLine
from fenxiao.orders.pricing_hooks import PricingContext


class PricedActivity(Protocol):
    pk: int | None
    name: str
    sku_id: int | None
    commission_allowed: bool


class ActivityPriceProvider:
    """Base of a provider for the checkout pricing hook; subclasses say how the order proves it
    was placed by their endpoint and which price applies."""

    kind: ClassVar[str]  # the provider's name in the pricing hook ("promotions.seckill")
    adjustment_kind: ClassVar[str]  # what the order's adjustments call the discount ("seckill")

    def not_allowed(self) -> DomainError:
        raise NotImplementedError

    def activity_line(self, ctx: PricingContext, a: PricedActivity, *, max_quantity: int) -> QuoteLine:
        """The order's only line, for the activity's SKU and at most ``max_quantity`` units, or
        the kind's refusal."""
        if len(ctx.lines) != 1 or ctx.lines[0].sku_id != a.sku_id or not 1 <= ctx.lines[0].quantity <= max_quantity:
            raise self.not_allowed()
        return ctx.lines[0]

    def activity_discount(
        self, line: QuoteLine, a: PricedActivity, *, price_fen: int, label: str, data: Mapping[str, Any]
    ) -> Discount:
        """The line's discount down to ``price_fen`` a unit, never more than what the line still
        costs and never negative."""
        amount = max(0, min((line.unit_price_fen - price_fen) * line.quantity, line.paid_fen))
        return Discount(
            kind=self.adjustment_kind,
            label=f"{label} ¥{fen_to_yuan(price_fen)}",
            line_amounts={0: amount},
            data={
                "line_indexes": [0],
                "activity_id": a.pk,
                **data,
                "name": a.name,
                "commission_allowed": a.commission_allowed,
            },
        )
