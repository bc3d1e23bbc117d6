"""A product's own commission rules (DESIGN §5 "rates ... overridable per product") read in the
shape the pure rules take, for booking and for the 赚 ¥x preview alike."""

from __future__ import annotations

from collections.abc import Iterable

from fenxiao.distribution.commission.rules import ProductOverride
from fenxiao.distribution.models import ProductCommission


def product_overrides(product_ids: Iterable[int]) -> dict[int, ProductOverride]:
    """The products' own commission rules, as the pure rules take them (one query)."""
    return {
        o.product_id: ProductOverride(
            mode=o.mode,
            level_bps=(o.level1_bps, o.level2_bps, o.level3_bps),
            level_fixed_fen=(o.level1_fixed_fen, o.level2_fixed_fen, o.level3_fixed_fen),
        )
        for o in ProductCommission.objects.filter(product_id__in=set(product_ids))
    }
