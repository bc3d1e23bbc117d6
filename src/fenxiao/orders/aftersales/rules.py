"""Pure after-sales money rules: how much a request for some units of some lines gives back, and
when the order's shipping goes back with it. No database here (tests/unit/test_refund_split.py).

Exactness (DESIGN §3): a line's units are refunded as consecutive slices of the line, and a slice
of ``part`` units after ``done`` units is worth ``cumulative_share(paid_fen, part, done, whole)``.
However the units are split into steps, the slices add up to exactly what the line paid once every
unit is refunded, and no step ever gives more than what is left. This only holds if slices never
overlap or leave gaps, which is why the services allow one after-sale at a time per order line:
with a single holder, ``done`` is simply the units already refunded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fenxiao.orders.pricing import cumulative_share


@dataclass(frozen=True)
class LineClaim:
    """Some units of one order line, asked back after ``done`` of its units were already refunded
    (or are held by another open after-sale)."""

    paid_fen: int  # what the customer paid for the whole line, after discounts, without shipping
    quantity: int  # units on the line
    done: int
    part: int


@dataclass(frozen=True)
class RefundAmounts:
    lines: list[int]  # per claim, in the order given; the base of ``order_line_refunded``
    shipping_fen: int  # order-level, never attributed to a line (commission has no shipping in it)

    @property
    def total_fen(self) -> int:
        return sum(self.lines) + self.shipping_fen


def line_refund_fen(claim: LineClaim) -> int:
    """The slice of the line's paid amount for ``part`` more units."""
    return cumulative_share(claim.paid_fen, part=claim.part, done=claim.done, whole=claim.quantity)


def shipping_refundable(*, units_left_after: int, anything_shipped: bool, shipping_claimed: bool) -> bool:
    """Shipping goes back only when the parcel never left and nothing is left to send: after this
    request every unit of the order is refunded (or held by an open after-sale), no unit was
    shipped, and no other live after-sale already carries the shipping. Once anything shipped the
    carrier was paid for real, so shipping stays with the merchant (the common rule of Youzan and
    CRMEB; an operator can still refund it by hand)."""
    return units_left_after == 0 and not anything_shipped and not shipping_claimed


def refund_amounts(*, claims: Sequence[LineClaim], shipping_fen: int, include_shipping: bool) -> RefundAmounts:
    """What one after-sale gives back: a slice of each claimed line, plus the order's shipping
    when ``shipping_refundable`` said so."""
    return RefundAmounts(
        lines=[line_refund_fen(c) for c in claims], shipping_fen=shipping_fen if include_shipping else 0
    )
