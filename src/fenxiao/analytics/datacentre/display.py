"""Figures as the operator reads them: fen as ¥ with two decimals, basis points as %, the
K-factor's thousandths as 0.xx, counts with thousands separators, "—" where there is no figure
(a ratio without a denominator). All integer arithmetic: the figure is rounded once, here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fenxiao.analytics.metrics.definitions import MetricDefinition, Unit
from fenxiao.core.ratios import bps, half_up

NONE = "—"
Direction = Literal["up", "down", "flat"]


def _decimal(value: int, places: int) -> str:
    """``value / 10**places`` with thousands separators, e.g. ``123456, 2 -> "1,234.56"``."""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), 10**places)
    return f"{sign}{whole:,}.{part:0{places}d}" if places else f"{sign}{whole:,}"


def format_value(value: int | None, unit: Unit) -> str:
    if value is None:
        return NONE
    if unit == "fen":
        return f"¥{_decimal(value, 2)}"
    if unit == "bps":
        return f"{_decimal(value, 2)}%"
    if unit == "milli":
        # Thousandths shown to two places, rounded half-up once.
        return _decimal(half_up(value, 10), 2)
    return _decimal(value, 0)


@dataclass(frozen=True)
class Change:
    text: str
    direction: Direction | None  # None: nothing to compare


def change(current: int | None, previous: int | None, unit: Unit) -> Change:
    """Against the previous period: rates by the difference in percentage points (a relative
    change of a percentage misleads), the K-factor by its difference, amounts and counts by the
    relative change. Nothing to compare with shows "—"."""
    if current is None or previous is None:
        return Change(NONE, None)
    diff = current - previous
    if diff == 0:
        return Change("持平", "flat")
    arrow, direction = ("↑", "up") if diff > 0 else ("↓", "down")
    if unit == "bps":
        return Change(f"{arrow} {_decimal(abs(diff), 2)} 个百分点", direction)
    if unit == "milli":
        return Change(f"{arrow} {_decimal(half_up(abs(diff), 10), 2)}", direction)
    if previous == 0:
        return Change(f"{arrow} 上期为 0", direction)
    return Change(f"{arrow} {_decimal(bps(abs(diff), abs(previous)), 2)}%", direction)


def band_text(definition: MetricDefinition) -> str:
    """The health band in the metric's own format, e.g. "参考区间 20.00%–40.00%"."""
    low, high = definition.band_low, definition.band_high
    if low is not None and high is not None:
        return f"参考区间 {format_value(low, definition.unit)}–{format_value(high, definition.unit)}"
    if low is not None:
        return f"参考值 ≥ {format_value(low, definition.unit)}"
    if high is not None:
        return f"参考值 ≤ {format_value(high, definition.unit)}"
    return ""


HEALTH_TEXT = {"green": "健康", "amber": "需关注"}
