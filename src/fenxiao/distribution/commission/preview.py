"""What a distributor would earn on one unit of a product if they shared it today (DESIGN §5
"distributor tools": 分享赚 ¥x).

It asks the same pure rules that book real commission (``rules.compute_commission``) about a plain
sale (no activity) of one unit at the product's lowest active price, with the distributor at level
1 under today's tier, product override, levels and cap. It never books or promises anything: a
discount, an activity or a rule changed before the order is paid changes what is really earned."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Min, Q

from fenxiao.catalog.models import Product
from fenxiao.distribution.commission.overrides import product_overrides
from fenxiao.distribution.commission.rules import (
    ChainMember,
    CommissionPolicy,
    LineInput,
    compute_commission,
)
from fenxiao.distribution.config.settings import distribution_settings, enabled_levels
from fenxiao.distribution.models import Distributor


def lowest_prices(product_ids: Collection[int]) -> dict[int, int]:
    """Each product's lowest active SKU price: the price its share card and poster show."""
    rows = (
        Product.objects.filter(pk__in=product_ids)
        .annotate(low=Min("skus__price_fen", filter=Q(skus__is_active=True)))
        .values_list("id", "low")
    )
    return {pid: int(low) for pid, low in rows if low is not None}


def commission_per_unit(*, distributor: Distributor, product_ids: Collection[int]) -> dict[int, int]:
    """Product id → fen I would earn at level 1 on one unit sold at its lowest price today; 0 for
    a product without an active SKU, and for every product while I am not an active distributor."""
    result = dict.fromkeys(product_ids, 0)
    if not product_ids or not distributor.is_active:
        return result
    prices = lowest_prices(product_ids)
    row = distribution_settings()
    computed = compute_commission(
        lines=[
            LineInput(order_line_id=pid, product_id=pid, quantity=1, paid_fen=price) for pid, price in prices.items()
        ],
        chain=[ChainMember(distributor_id=distributor.id, level=1, rates_bps=distributor.tier.rates_bps)],
        overrides=product_overrides(prices),
        policy=CommissionPolicy(
            levels=enabled_levels(row), cap_bps=row.cap_bps, activity_allowed=dict(row.activity_commission or {})
        ),
    )
    for line in computed:
        result[line.order_line_id] += line.amount_fen
    return result
