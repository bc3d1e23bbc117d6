"""The plain values the rules judge, read from what the merchant configured and what the mall
recorded. Each function is a few aggregate queries; nothing here decides anything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Least

from fenxiao.distribution.compliance.rules import CommissionFacts, RateTable
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.models import CommissionRecord, OverrideMode, ProductCommission, Tier


@dataclass(frozen=True)
class SettingsFacts:
    levels: int
    level3_enabled: bool
    cap_bps: int
    become_policy: str
    spend_threshold_fen: int
    tables: tuple[RateTable, ...]  # every tier, then every product override
    tier_criteria: tuple[tuple[str, Mapping[str, int]], ...]


def _tier_criteria(tier: Tier) -> dict[str, int]:
    """Every upgrade threshold the tier has (its ``min_*`` fields), so a criterion added later is
    judged too rather than passing unseen."""
    return {f.name: getattr(tier, f.name) for f in Tier._meta.concrete_fields if f.name.startswith("min_")}


def _override_table(o: ProductCommission) -> RateTable:
    label = f"商品「{o.product.title}」"
    if o.mode == OverrideMode.FIXED:
        return RateTable(label, (o.level1_fixed_fen, o.level2_fixed_fen, o.level3_fixed_fen), unit="fen")
    return RateTable(label, (o.level1_bps, o.level2_bps, o.level3_bps))


def settings_facts() -> SettingsFacts:
    row = distribution_settings()
    tiers = list(Tier.objects.order_by("rank"))
    overrides = ProductCommission.objects.select_related("product").order_by("product_id")
    return SettingsFacts(
        levels=row.levels,
        level3_enabled=row.level3_enabled,
        cap_bps=row.cap_bps,
        become_policy=row.become_policy,
        spend_threshold_fen=row.spend_threshold_fen,
        tables=(
            *(RateTable(f"等级「{t.name}」", t.rates_bps) for t in tiers),
            *(_override_table(o) for o in overrides),
        ),
        tier_criteria=tuple((t.name, _tier_criteria(t)) for t in tiers),
    )


def commission_facts() -> CommissionFacts:
    """Over every record ever booked: a record on an unpaid order, or one lagging its line's
    refund (what the repair sweep ``sweep_unsynced_refunds`` looks for), breaks the rule."""
    refunded = CommissionRecord.objects.filter(order_line__refunded_fen__gt=0)
    lagging = refunded.filter(refunded_base_fen__lt=Least(F("order_line__refunded_fen"), F("base_fen")))
    return CommissionFacts(
        records=CommissionRecord.objects.count(),
        records_on_unpaid_orders=CommissionRecord.objects.filter(order__paid_at__isnull=True).count(),
        refunded_lines=refunded.values("order_line_id").distinct().count(),
        refunded_lines_not_reversed=lagging.values("order_line_id").distinct().count(),
    )
