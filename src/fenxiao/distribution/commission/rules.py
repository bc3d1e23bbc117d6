"""Pure commission rules (DESIGN §3, §5): who earns on an order, how much per line and level, and
how much a refund takes back. No database here, so every rule has fast table tests
(tests/unit/test_commission_rules.py).

Money is integer fen and rates are basis points; every division rounds down, so the platform never
pays a fraction of a fen it did not promise. Bad data (negative money, a rate above 100%, two members
at one level) is a programming error upstream and raises ``ValueError`` rather than paying something
odd: settings validation (config/rules.py) refuses such configuration before it can reach here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

BPS_WHOLE = 10_000


@dataclass(frozen=True)
class ChainMember:
    """One earner of an order. ``rates_bps`` is the member's tier table indexed by level - 1: a
    member at level 2 earns its own tier's level-2 rate, whatever the level-1 member's tier is."""

    distributor_id: int
    level: int
    rates_bps: tuple[int, ...]


@dataclass(frozen=True)
class ProductOverride:
    """A product's own commission, replacing the tier rates for every level: a rate per level, or a
    fixed amount per unit per level. A level without an entry earns nothing on this product."""

    mode: Literal["rate", "fixed"]
    level_bps: tuple[int, ...] = ()
    level_fixed_fen: tuple[int, ...] = ()


@dataclass(frozen=True)
class LineInput:
    order_line_id: int
    product_id: int
    quantity: int
    paid_fen: int  # what the customer paid for the line after discounts, shipping excluded
    activity: str | None = None  # "seckill", "group_buy", ... or None for a plain sale


@dataclass(frozen=True)
class CommissionPolicy:
    levels: int  # levels that pay (1..3); members deeper than this earn nothing
    cap_bps: int  # the most all levels together may take of a line's base
    activity_allowed: Mapping[str, bool]  # an activity missing from the map pays no commission


@dataclass(frozen=True)
class CommissionLine:
    """One member's commission on one order line. ``rate_bps``/``fixed_unit_fen`` record the rule
    that applied (exactly one is set); ``amount_fen`` may be below what the rule gives when the cap
    trimmed it."""

    order_line_id: int
    level: int
    distributor_id: int
    base_fen: int
    rate_bps: int | None
    fixed_unit_fen: int | None
    amount_fen: int


def commission_chain(
    *,
    buyer_distributor_id: int | None,
    buyer_is_active_distributor: bool,
    referrer_chain: Sequence[int],
    self_purchase_allowed: bool,
    levels: int,
) -> list[int]:
    """Distributor ids earning at levels 1..n of an order, level 1 first.

    A distributor buying for themself is level 1 only when the platform allows self-purchase
    commission; otherwise the chain starts at their referrer (``referrer_chain[0]``). Bad referral
    data must never pay anyone twice or pay the buyer as their own upline, so the chain stops at the
    first id already seen and at the buyer met again further up."""
    if levels <= 0:
        return []
    chain: list[int] = []
    if buyer_is_active_distributor and self_purchase_allowed and buyer_distributor_id is not None:
        chain.append(buyer_distributor_id)
    seen = set(chain)
    for distributor_id in referrer_chain:
        if len(chain) >= levels or distributor_id in seen or distributor_id == buyer_distributor_id:
            break
        chain.append(distributor_id)
        seen.add(distributor_id)
    return chain[:levels]


def _entry(table: Sequence[int], level: int) -> int:
    return table[level - 1] if level - 1 < len(table) else 0


def _check_inputs(lines: Sequence[LineInput], chain: Sequence[ChainMember], policy: CommissionPolicy) -> None:
    if not 0 <= policy.cap_bps <= BPS_WHOLE:
        raise ValueError("cap_bps must be within 0..10000")
    if any(line.paid_fen < 0 or line.quantity < 0 for line in lines):
        raise ValueError("a line cannot have negative quantity or paid amount")
    levels = [m.level for m in chain]
    if any(level < 1 for level in levels) or len(set(levels)) != len(levels):
        raise ValueError("chain levels must be distinct and start at 1")


def _level_rule(member: ChainMember, override: ProductOverride | None) -> tuple[int | None, int | None]:
    """(rate_bps, fixed_unit_fen) for this member on this line; exactly one is not None."""
    if override is None:
        return _entry(member.rates_bps, member.level), None
    if override.mode == "rate":
        return _entry(override.level_bps, member.level), None
    if override.mode == "fixed":
        return None, _entry(override.level_fixed_fen, member.level)
    raise ValueError(f"unknown override mode {override.mode!r}")


def _amount(base_fen: int, quantity: int, rate_bps: int | None, fixed_unit_fen: int | None) -> int:
    if rate_bps is not None:
        if not 0 <= rate_bps <= BPS_WHOLE:
            raise ValueError("a commission rate must be within 0..10000 bps")
        return base_fen * rate_bps // BPS_WHOLE
    if fixed_unit_fen is None or fixed_unit_fen < 0:
        raise ValueError("a fixed commission must be a non-negative amount")
    # A fixed amount per unit can outgrow a heavily discounted line; commission only ever comes
    # out of what was really paid.
    return min(fixed_unit_fen * quantity, base_fen)


def _trim_to_cap(amounts: list[int], cap_fen: int) -> list[int]:
    """Take the excess over the cap from the deepest level first: the direct seller keeps the most."""
    excess = sum(amounts) - cap_fen
    trimmed = list(amounts)
    for i in reversed(range(len(trimmed))):
        if excess <= 0:
            break
        cut = min(trimmed[i], excess)
        trimmed[i] -= cut
        excess -= cut
    return trimmed


def line_allowed(line: LineInput, policy: CommissionPolicy) -> bool:
    """A plain sale always pays; an activity sale pays only if the activity says so."""
    return line.activity is None or bool(policy.activity_allowed.get(line.activity, False))


def compute_commission(
    *,
    lines: Sequence[LineInput],
    chain: Sequence[ChainMember],
    overrides: Mapping[int, ProductOverride],
    policy: CommissionPolicy,
) -> list[CommissionLine]:
    """Commission per order line and level, ordered by order line id then level; zero amounts are
    left out. The base is what the customer paid for the line (discounts already off, no
    shipping); a rate pays ``base * rate // 10000``, a fixed override pays per unit but never more
    than the base, and all levels of one line together never take more than ``base * cap // 10000``."""
    _check_inputs(lines, chain, policy)
    members = sorted((m for m in chain if m.level <= policy.levels), key=lambda m: m.level)
    result: list[CommissionLine] = []
    for line in sorted(lines, key=lambda ln: ln.order_line_id):
        if not members or not line_allowed(line, policy):
            continue
        override = overrides.get(line.product_id)
        rules = [_level_rule(m, override) for m in members]
        amounts = [_amount(line.paid_fen, line.quantity, rate, fixed) for rate, fixed in rules]
        amounts = _trim_to_cap(amounts, line.paid_fen * policy.cap_bps // BPS_WHOLE)
        for member, (rate, fixed), amount in zip(members, rules, amounts, strict=True):
            if amount > 0:
                result.append(
                    CommissionLine(
                        order_line_id=line.order_line_id,
                        level=member.level,
                        distributor_id=member.distributor_id,
                        base_fen=line.paid_fen,
                        rate_bps=rate,
                        fixed_unit_fen=fixed,
                        amount_fen=amount,
                    )
                )
    return result


def commission_after_refund(*, amount_fen: int, base_fen: int, refunded_base_before: int, refund_fen: int) -> int:
    """How much of a commission a refund of ``refund_fen`` of its line's base takes away.

    What stays is always ``amount * (base - refunded) // base``, recomputed from everything refunded
    so far, and the reduction is the difference before and after this refund. Rounding the part that
    stays down means the distributor never keeps more than their proportional share, and since every
    step is a difference of the same formula, refunds in any number of steps take away exactly
    ``amount_fen`` once the whole base is refunded."""
    if amount_fen < 0 or base_fen < 0 or refunded_base_before < 0 or refund_fen < 0:
        raise ValueError("amounts cannot be negative")
    if refunded_base_before + refund_fen > base_fen:
        raise ValueError("cannot refund more than the line's commission base")
    if base_fen == 0:
        return 0
    remaining_before = amount_fen * (base_fen - refunded_base_before) // base_fen
    remaining_after = amount_fen * (base_fen - refunded_base_before - refund_fen) // base_fen
    return remaining_before - remaining_after
