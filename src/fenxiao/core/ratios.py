"""Ratios as integers, rounded half-up once: a figure shown to an operator or a distributor is rounded
once, at the end, never built from rounded parts. ``None`` when the denominator is zero: there
is no rate to speak of, and 0 would read as a bad one."""

from __future__ import annotations


def half_up(numerator: int, denominator: int, scale: int = 1) -> int | None:
    """``round(numerator * scale / denominator)`` with halves rounded up, for non-negative
    numerators (negative ones, a net clawback, round half away from zero)."""
    if denominator <= 0:
        return None
    n = numerator * scale
    sign = -1 if n < 0 else 1
    return sign * ((2 * abs(n) + denominator) // (2 * denominator))


def bps(numerator: int, denominator: int) -> int | None:
    """Basis points: 1 = 0.01%."""
    return half_up(numerator, denominator, 10_000)


def milli(numerator: int, denominator: int) -> int | None:
    """Thousandths: the K-factor 0.2 is 200."""
    return half_up(numerator, denominator, 1_000)
