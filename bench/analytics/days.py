"""Two years of local days and how many orders each gets: a logistic growth curve (a young shop
that takes off in its second year), a weekly rhythm (weekends sell more), the two festivals every
Chinese mall lives by (618 and 双11), and ±10 % noise. Orders are paid mostly in the evening."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

WEEKLY = (0.92, 0.90, 0.94, 0.98, 1.08, 1.22, 1.16)  # Monday first
FESTIVALS = {(6, 18): 2.0, (11, 11): 3.0, (11, 10): 1.5, (11, 12): 1.3}
# Relative weight of each hour of the day (local time) in which an order is paid.
HOURS = (1.0, 0.6, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 2.0, 2.5, 2.8, 3.0,
         3.2, 2.8, 2.6, 2.6, 2.7, 2.8, 3.0, 3.6, 4.4, 4.8, 4.0, 2.4)  # fmt: skip
HOUR_CUM = [sum(HOURS[: i + 1]) for i in range(24)]


def day_start(day: date) -> datetime:
    """The instant the shop's local ``day`` begins (``settings.TIME_ZONE``), as the rollups count it."""
    from fenxiao.analytics.periods import day_start as shop_day_start

    return shop_day_start(day)


def day_list(last: date, days: int) -> list[date]:
    return [last - timedelta(days=days - 1 - i) for i in range(days)]


def orders_per_day(days: list[date], total: int, rng: random.Random) -> list[int]:
    """``total`` split over ``days`` by the curve, exactly (largest remainder)."""
    n = len(days)
    weights = []
    for i, day in enumerate(days):
        x = i / max(1, n - 1)
        growth = 0.25 + 1.0 / (1.0 + math.exp(-(x - 0.55) * 7.0))
        weights.append(
            growth * WEEKLY[day.weekday()] * FESTIVALS.get((day.month, day.day), 1.0) * rng.uniform(0.9, 1.1)
        )
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(e) for e in exact]
    short = total - sum(counts)
    for i in sorted(range(n), key=lambda i: counts[i] - exact[i])[:short]:
        counts[i] += 1
    return counts


def seconds_in_day(n: int, rng: random.Random) -> list[int]:
    """``n`` moments of a day (seconds after local midnight), sorted, evening-heavy."""
    hours = rng.choices(range(24), cum_weights=HOUR_CUM, k=n)
    return sorted(h * 3600 + rng.randrange(3600) for h in hours)
