"""A metric card: a figure of the period beside the same figure of the period before, with its
definition and health band, ready for the template (the admin home uses the same cards)."""

from __future__ import annotations

from dataclasses import dataclass

from fenxiao.analytics.datacentre.display import HEALTH_TEXT, Change, band_text, change, format_value
from fenxiao.analytics.metrics.definitions import METRICS
from fenxiao.analytics.metrics.figures import Figures

SOURCE_LABELS = (("distribution", "分销"), ("invite", "邀请"), ("organic", "自然"))


@dataclass(frozen=True)
class SourcePart:
    key: str
    label: str
    count: int
    percent: int  # of the period's new buyers, rounded down: the bar's width


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    definition: str
    value: str
    previous: str
    change: Change
    health: str | None  # "green" / "amber" where the metric has a band and a value
    health_text: str
    band: str
    sources: list[SourcePart] | None = None  # only for new_buyer_sources


def _sources(counts: dict[str, int]) -> list[SourcePart]:
    total = sum(counts.values())
    return [
        SourcePart(key, label, counts[key], counts[key] * 100 // total if total else 0) for key, label in SOURCE_LABELS
    ]


def _sources_text(counts: dict[str, int]) -> str:
    return " · ".join(f"{label} {counts[key]:,}" for key, label in SOURCE_LABELS)


def card_for(key: str, current: Figures, previous: Figures) -> Card:
    definition = METRICS[key]
    now, before = getattr(current, key), getattr(previous, key)
    if definition.unit == "sources":
        return Card(
            key=key,
            label=definition.label,
            definition=definition.definition,
            value=_sources_text(now),
            previous=_sources_text(before),
            change=change(sum(now.values()), sum(before.values()), "count"),
            health=None,
            health_text="",
            band="",
            sources=_sources(now),
        )
    health = definition.health(now)
    return Card(
        key=key,
        label=definition.label,
        definition=definition.definition,
        value=format_value(now, definition.unit),
        previous=format_value(before, definition.unit),
        change=change(now, before, definition.unit),
        health=health,
        health_text=HEALTH_TEXT.get(health or "", ""),
        band=band_text(definition),
    )


def cards_for(keys: list[str] | tuple[str, ...], current: Figures, previous: Figures) -> list[Card]:
    return [card_for(key, current, previous) for key in keys]
