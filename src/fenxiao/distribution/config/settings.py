"""The distribution settings and tiers a merchant edits: one validation for the admin form and the
API (``rules``), every accepted change audit-logged, every refused one naming the rule.

Tiers are validated together with the settings because the rules span both: a tier's rates must
fit the number of levels and the cap the settings choose."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from fenxiao.catalog.models import Product
from fenxiao.core.errors import NotFound
from fenxiao.core.redis import log_without_redis
from fenxiao.distribution.config.rules import (
    OVERRIDE_FIXED_FIELDS,
    OVERRIDE_RATE_FIELDS,
    RuleViolation,
    SettingsInput,
    TierRates,
    override_amount_violations,
    settings_violations,
    settings_warnings,
    tier_field_violations,
)
from fenxiao.distribution.errors import DistributionConflict, DistributionError, SettingsInvalid
from fenxiao.distribution.locks import lock_product_commission, lock_settings, lock_tiers
from fenxiao.distribution.models import DistributionSettings, OverrideMode, ProductCommission, Tier
from fenxiao.risk.audit import audit_record, changed_fields

SETTINGS_FIELDS = (
    "become_policy",
    "spend_threshold_fen",
    "binding_policy",
    "rebind_after_days",
    "bind_on",
    "levels",
    "level3_enabled",
    "cap_bps",
    "self_purchase_commission",
    "freeze_days",
    "withdraw_min_fen",
    "withdraw_fee_bps",
    "withdraw_fee_min_fen",
    "withdraw_daily_limit_fen",
    "withdraw_auto_approve_max_fen",
    "identity_required_over_fen",
    "activity_commission",
)
# Accepted only to be refused: merchants coming from other systems look for them (入门费, 购买门槛).
FORBIDDEN_FIELDS = ("entry_fee_fen", "purchase_required")
TIER_FIELDS = ("name", "rank", "level1_bps", "level2_bps", "level3_bps", "min_sales_fen", "min_customers", "min_orders")


logger = logging.getLogger(__name__)
SETTINGS_CACHE_KEY = "distribution:settings:1"
SETTINGS_CACHE_SECONDS = 60


def distribution_settings() -> DistributionSettings:
    """The settings row, read through the shared cache: every order placement and payment needs
    it and it changes a few times a year. ``settings_update`` drops the cached copy at once and
    again after commit. The answer is for reading; only ``settings_update`` writes the row."""
    try:
        cached = cache.get(SETTINGS_CACHE_KEY)
    except Exception:  # the cache being down never stops an order
        log_without_redis(logger, "distribution settings cache unreachable")
        cached = None
    if cached is not None:
        return DistributionSettings(pk=1, **cached)
    row = DistributionSettings.objects.filter(pk=1).first()
    if row is None:
        row, _ = DistributionSettings.objects.get_or_create(pk=1)
    try:
        cache.set(
            SETTINGS_CACHE_KEY,
            {**settings_values(row), "updated_at": row.updated_at, "updated_by_id": row.updated_by_id},
            SETTINGS_CACHE_SECONDS,
        )
    except Exception:
        log_without_redis(logger, "distribution settings not cached")
    return row


def _forget_cached_settings() -> None:
    try:
        cache.delete(SETTINGS_CACHE_KEY)
    except Exception:
        log_without_redis(logger, "cached distribution settings not dropped")


def enabled_levels(row: DistributionSettings | None = None) -> int:
    """How many levels earn: the configured number, level 3 only behind its switch."""
    row = row or distribution_settings()
    return min(row.levels, 3 if row.level3_enabled else 2)


def _tier_rates(tiers: list[Tier]) -> tuple[TierRates, ...]:
    return tuple(TierRates(name=t.name, level_bps=t.rates_bps) for t in tiers)


def _settings_input(values: Mapping[str, Any], tiers: list[Tier]) -> SettingsInput:
    return SettingsInput(
        **{name: values[name] for name in SETTINGS_FIELDS},
        entry_fee_fen=int(values.get("entry_fee_fen") or 0),
        purchase_required=bool(values.get("purchase_required") or False),
        tiers=_tier_rates(tiers),
    )


def _check(
    values: Mapping[str, Any], tiers: list[Tier], *, also: list[RuleViolation] | None = None
) -> list[RuleViolation]:
    """Refuse with every broken rule (``also``: those found by the caller first); else the
    warnings."""
    violations = [*(also or []), *settings_violations(_settings_input(values, tiers))]
    if violations:
        raise SettingsInvalid(violations)
    return settings_warnings(_settings_input(values, tiers))


def settings_values(row: DistributionSettings | None = None) -> dict[str, Any]:
    row = row or distribution_settings()
    return {name: getattr(row, name) for name in SETTINGS_FIELDS}


def settings_check(*, changes: Mapping[str, Any]) -> list[RuleViolation]:
    """Validate without saving (the admin form uses it to show errors and warnings)."""
    values = {**settings_values(), **changes}
    return _check(values, list(Tier.objects.order_by("rank")))


@transaction.atomic
def settings_update(
    *, actor_id: int | None, changes: Mapping[str, Any], expected_updated_at: datetime | None = None
) -> tuple[DistributionSettings, list[RuleViolation]]:
    """Apply ``changes`` (any subset of the fields) if the result obeys every rule; returns the
    row and the non-blocking warnings (level 3 on, a tier above 20%). With ``expected_updated_at``
    (what the editor loaded) a change made by someone else meanwhile is refused, not overwritten."""
    unknown = set(changes) - set(SETTINGS_FIELDS) - set(FORBIDDEN_FIELDS)
    if unknown:
        raise DistributionError("DIST_SETTINGS_UNKNOWN_FIELD", f"未知的设置项：{', '.join(sorted(unknown))}")
    if expected_updated_at is not None and timezone.is_naive(expected_updated_at):
        raise DistributionError(
            "DIST_SETTINGS_VERSION_INVALID", "设置版本时间须带时区，请刷新后再提交", field="if_updated_at"
        )
    DistributionSettings.objects.get_or_create(pk=1)
    row = lock_settings()
    # The API shows times to the millisecond, so that is the precision compared.
    if expected_updated_at is not None and abs(row.updated_at - expected_updated_at) >= timedelta(milliseconds=1):
        raise DistributionConflict("DIST_SETTINGS_CHANGED", "分销设置已被他人修改，请刷新后再提交")
    before = settings_values(row)
    values = {**before, **changes}
    warnings = _check(values, list(Tier.objects.order_by("rank")))
    for name in SETTINGS_FIELDS:
        setattr(row, name, values[name])
    row.updated_by_id = actor_id
    row.save()
    _forget_cached_settings()
    transaction.on_commit(_forget_cached_settings)
    diff = changed_fields(before, settings_values(row))
    if diff:
        audit_record(
            actor_id=actor_id,
            action="distribution.settings_update",
            target_type="distribution_settings",
            target_id=1,
            summary=f"修改分销设置：{', '.join(diff)}",
            changes=diff,
        )
    return row, warnings


def _tier_values(tier: Tier) -> dict[str, Any]:
    return model_to_dict(tier, fields=TIER_FIELDS)


@transaction.atomic
def tier_save(
    *, actor_id: int | None, tier_id: int | None, values: Mapping[str, Any]
) -> tuple[Tier, list[RuleViolation]]:
    """Create (tier_id None) or change a tier; the whole tier table is validated against the
    current settings before anything is written. A new tier without a rank goes above the
    highest one (max rank + 1), as a merchant adding 钻石 after 金牌 expects."""
    unknown = set(values) - set(TIER_FIELDS)
    if unknown:
        raise DistributionError("DIST_TIER_UNKNOWN_FIELD", f"未知的等级字段：{', '.join(sorted(unknown))}")
    row = distribution_settings()
    tiers = lock_tiers()
    if tier_id is None:
        next_rank = max((t.rank for t in tiers), default=-1) + 1
        tier = Tier(**{**{"level1_bps": 0, "level2_bps": 0, "level3_bps": 0, "rank": next_rank}, **values})
        before: dict[str, Any] = {}
        proposed = [*tiers, tier]
    else:
        tier = next((t for t in tiers if t.pk == tier_id), None)
        if tier is None:
            raise NotFound("TIER_NOT_FOUND", "分销等级不存在")
        before = _tier_values(tier)
        for name, value in values.items():
            setattr(tier, name, value)
        proposed = tiers
    if any(t.rank == tier.rank and t is not tier for t in proposed):
        raise DistributionError("DIST_TIER_RANK_TAKEN", f"等级顺序 {tier.rank} 已被占用", field="rank")
    own = tier_field_violations(
        rank=tier.rank, min_sales_fen=tier.min_sales_fen, min_customers=tier.min_customers, min_orders=tier.min_orders
    )
    warnings = _check(settings_values(row), proposed, also=own)
    tier.save()
    audit_record(
        actor_id=actor_id,
        action="distribution.tier_create" if tier_id is None else "distribution.tier_update",
        target_type="tier",
        target_id=tier.pk,
        summary=f"{'新增' if tier_id is None else '修改'}分销等级 {tier.name}",
        changes=changed_fields(before, _tier_values(tier)),
    )
    return tier, warnings


@transaction.atomic
def tier_delete(*, actor_id: int | None, tier_id: int) -> None:
    """A tier that distributors hold cannot go (they would lose their rates), nor the last one
    (new distributors need a tier)."""
    tiers = lock_tiers()
    tier = next((t for t in tiers if t.pk == tier_id), None)
    if tier is None:
        raise NotFound("TIER_NOT_FOUND", "分销等级不存在")
    if tier.distributors.exists():
        raise DistributionError("DIST_TIER_IN_USE", f"等级「{tier.name}」下还有分销商，不能删除")
    if len(tiers) == 1:
        raise DistributionError("DIST_TIER_LAST", "至少保留一个分销等级")
    tier.delete()
    audit_record(
        actor_id=actor_id,
        action="distribution.tier_delete",
        target_type="tier",
        target_id=tier_id,
        summary=f"删除分销等级 {tier.name}",
    )


def _override_values(o: ProductCommission) -> dict[str, Any]:
    return model_to_dict(o, fields=("mode", *OVERRIDE_RATE_FIELDS, *OVERRIDE_FIXED_FIELDS))


@transaction.atomic
def product_commission_set(*, actor_id: int | None, product_id: int, values: Mapping[str, Any]) -> ProductCommission:
    """A product's own rates (or fixed amount per unit) replacing the tier's. The same level rules
    apply: indirect lower than direct, within the cap, nothing beyond the enabled levels."""
    product_title = Product.objects.filter(pk=product_id).values_list("title", flat=True).first()
    if product_title is None:
        raise NotFound("PRODUCT_NOT_FOUND", "商品不存在")
    row = distribution_settings()
    override = lock_product_commission(product_id)
    before = _override_values(override) if override else {}
    override = override or ProductCommission(product_id=product_id)
    for name, value in values.items():
        setattr(override, name, value)
    if override.mode not in OverrideMode.values:
        raise DistributionError("DIST_OVERRIDE_MODE", "佣金方式只能是按比例或每件固定金额", field="mode")
    amounts = override_amount_violations(
        mode=override.mode,
        values={name: getattr(override, name) for name in OVERRIDE_RATE_FIELDS + OVERRIDE_FIXED_FIELDS},
    )
    if override.mode == OverrideMode.RATE:
        rates = (override.level1_bps, override.level2_bps, override.level3_bps)
        violations = amounts + settings_violations(
            _settings_input(
                settings_values(row),
                [
                    Tier(
                        name=f"商品「{product_title}」",
                        rank=0,
                        level1_bps=rates[0],
                        level2_bps=rates[1],
                        level3_bps=rates[2],
                    )
                ],
            )
        )
        if violations:
            raise SettingsInvalid(violations)
    else:
        if amounts:
            raise SettingsInvalid(amounts)
        fixed = (override.level1_fixed_fen, override.level2_fixed_fen, override.level3_fixed_fen)
        enabled = row.levels
        if any(fixed[i] for i in range(enabled, 3)):
            raise DistributionError(
                "DIST_OVERRIDE_LEVEL_DISABLED", f"当前只开启 {enabled} 级分销，更深层级的佣金须为 0"
            )
        for upper, lower in pairwise(fixed[:enabled]):
            if lower and lower >= upper:
                raise DistributionError(
                    "DIST_INDIRECT_RATE_NOT_LOWER",
                    "间接佣金必须低于上一级佣金（每件固定金额）",
                    field="level2_fixed_fen",
                )
    override.save()
    audit_record(
        actor_id=actor_id,
        action="distribution.product_commission_set",
        target_type="product",
        target_id=product_id,
        summary=f"设置商品 {product_id} 的佣金",
        changes=changed_fields(before, _override_values(override)),
    )
    return override


@transaction.atomic
def product_commission_clear(*, actor_id: int | None, product_id: int) -> None:
    deleted, _ = ProductCommission.objects.filter(product_id=product_id).delete()
    if deleted:
        audit_record(
            actor_id=actor_id,
            action="distribution.product_commission_clear",
            target_type="product",
            target_id=product_id,
            summary=f"取消商品 {product_id} 的单独佣金",
        )
