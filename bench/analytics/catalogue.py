"""The small, ORM-made part of the shop: suppliers, categories, products and SKUs, the tiers the
migrations created, and the invite campaign (with its two coupon templates). A few thousand rows:
``bulk_create`` is quick enough, and it keeps the models' defaults."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from analytics.people import Tier

TOPS = ("美妆", "个护", "食品", "母婴", "家居", "数码", "服饰", "保健")
CHILDREN_PER_TOP = 5
SPECS = ("标准装", "加大装", "礼盒装", "50ml", "100ml", "200ml", "500g", "1kg", "红色", "白色", "黑色")


@dataclass(frozen=True)
class SkuRow:
    id: int
    product_id: int
    title: str
    code: str
    specs: str
    price_fen: int
    weight_g: int


def make_catalogue(products: int, rng: random.Random) -> list[list[SkuRow]]:
    """``products`` products (90 % on the shelf) with 1-3 SKUs each, in 8 × 5 categories. Returns
    the SKUs of each product, most popular first being decided later by the order mix."""
    from fenxiao.catalog.models import Category, Product, Sku, Supplier

    suppliers = [Supplier.objects.get_or_create(name=name)[0] for name in ("品牌自营", "华东仓")]
    children = []
    for t, top_name in enumerate(TOPS):
        top = Category.objects.create(name=f"基准{top_name}", sort_order=t)
        children += [
            Category.objects.create(parent=top, name=f"{top_name}{c + 1}", sort_order=c)
            for c in range(CHILDREN_PER_TOP)
        ]
    made = Product.objects.bulk_create(
        [
            Product(
                code=f"AB{i:05d}",
                supplier=rng.choice(suppliers),
                category=rng.choice(children),
                title=f"{rng.choice(TOPS)}精选 {i:05d}",
                is_on_shelf=rng.random() < 0.9,
            )
            for i in range(products)
        ],
        batch_size=1000,
    )
    skus = []
    for p in made:
        base = rng.randint(99, 4990) * 10
        for k in range(rng.choice((1, 1, 2, 3))):
            price = base + k * rng.randint(0, 50) * 100
            skus.append(
                Sku(
                    product=p,
                    code=f"{p.code}-{k}",
                    specs={"规格": SPECS[(p.pk + k) % len(SPECS)]},
                    price_fen=price,
                    market_price_fen=price * 13 // 10,
                    cost_fen=price * 6 // 10,
                    weight_g=rng.randint(50, 3000),
                )
            )
    Sku.objects.bulk_create(skus, batch_size=2000)
    by_product: dict[int, list[SkuRow]] = {p.pk: [] for p in made}
    titles = {p.pk: p.title for p in made}
    for s in skus:
        by_product[s.product_id].append(
            SkuRow(s.pk, s.product_id, titles[s.product_id], s.code, s.specs["规格"], s.price_fen, s.weight_g)
        )
    return [by_product[p.pk] for p in made]


def tiers() -> list[Tier]:
    from fenxiao.distribution.models import Tier as TierModel
    from fenxiao.distribution.network.enrolment import default_tier

    default_tier()  # the migrations made 普通/银牌/金牌; a mall without tiers gets 普通 back
    return [Tier(t.pk, t.level1_bps, t.level2_bps) for t in TierModel.objects.order_by("rank")]


def invite_campaign(starts_at: datetime, ends_at: datetime) -> int:
    from fenxiao.promotions.invites.models import InviteCampaign
    from fenxiao.promotions.models import CouponTemplate

    def template(name: str, amount_fen: int) -> CouponTemplate:
        return CouponTemplate.objects.create(
            name=name, kind="no_threshold", amount_fen=amount_fen, total_quantity=10_000_000, valid_days_after_claim=30
        )

    campaign = InviteCampaign.objects.create(
        name="基准邀请有礼",
        starts_at=starts_at,
        ends_at=ends_at,
        inviter_template=template("基准邀请人券", 1000),
        invitee_template=template("基准新人券", 500),
    )
    return campaign.pk
