"""The checkout pricing hook point (``core.extensions``): promotions plug discounts in here without
orders importing promotions. A provider is asked for discounts at every quote, and told when an order
is placed with them (inside the order's transaction, so a coupon is used exactly when the order
exists). Undoing (a cancelled order gives its coupon back) is done by subscribing to the order
events in ``fenxiao.core.extensions``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from fenxiao.core.extensions import HookPoint
from fenxiao.orders.pricing import Discount, QuoteLine

if TYPE_CHECKING:
    from fenxiao.accounts.models import User
    from fenxiao.orders.models import Order


@dataclass
class PricingContext:
    user: User
    lines: list[QuoteLine]
    province: str | None
    # What the shopper chose, passed through untouched: {"coupon_id": 12}, {"seckill_id": 3}, ...
    options: dict[str, Any] = field(default_factory=dict)


class DiscountProvider(Protocol):
    kind: str

    def discounts(self, ctx: PricingContext) -> Sequence[Discount]:
        """The discounts this provider grants now; raise a DomainError for an invalid choice."""

    def commit(self, ctx: PricingContext, discounts: Sequence[Discount], order: Order) -> None:
        """The order with these discounts was written (same transaction): consume what they use."""


# Keyed by the provider's ``kind``, in registration order; each provider sees the lines with the
# previous providers' discounts applied.
discount_providers: HookPoint[DiscountProvider] = HookPoint("orders.discounts")
