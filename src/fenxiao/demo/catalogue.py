"""The demo catalogue as plain data: a deterministic plan of products and SKUs built from the name
tables with one ``random.Random(seed)``. Nothing here touches the database or the clock, so the same
seed and SKU target always give the same plan (and the seeder writes it byte for byte)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from django.utils.html import escape

from .names import SELF_SUPPLIER, Sub, Top
from .names_household import FOOD, HOME
from .names_personal import BABY, BEAUTY

TOPS: tuple[Top, ...] = (BEAUTY, BABY, FOOD, HOME)
CODE_PREFIX = "DEMO-"
GALLERY_VARIANTS = 3
EDITIONS = ("", "升级款", "经典款", "新款", "二代", "Pro", "Plus")
NOTICES = {
    "BEA": "初次使用请先在耳后或手腕内侧试用，如有不适请停止使用。开封后请尽快用完，置于阴凉干燥处。",
    "BAB": "请根据宝宝月龄选择合适的段数或尺码；使用前请仔细阅读包装说明，如有疑问请联系客服。",
    "FOD": "食品类商品签收后非质量问题不支持退换；收到后请置于阴凉干燥处，开袋后请尽快食用。",
    "HOM": "请放置于儿童不易触及处；清洁类产品请勿混合使用，使用后请洗手。",
}
INTROS = (
    "精选原料，严格品控，每一件都经过质检后出库。",
    "工厂直供，省去中间环节，把实惠留给你。",
    "上市以来复购率很高，是店里的常青款。",
    "好物值得分享，推荐给朋友一起省。",
)


@dataclass
class SkuPlan:
    code: str
    specs: dict[str, str]
    price_fen: int
    market_price_fen: int
    cost_fen: int
    weight_g: int
    barcode: str
    stock: int
    is_active: bool


@dataclass
class ProductPlan:
    code: str
    top: Top
    sub: Sub
    supplier: str
    title: str
    subtitle: str
    detail_html: str
    is_on_shelf: bool
    sales_count: int
    accent: int  # index into top.accents, the colour of the drawn product
    gallery: tuple[str, ...]
    skus: list[SkuPlan] = field(default_factory=list)

    @property
    def main_image(self) -> str:
        return product_image_name(self.code)


def product_image_name(code: str) -> str:
    return f"demo/products/{code}.png"


def gallery_image_name(top: Top, sub: Sub, variant: int) -> str:
    return f"demo/gallery/{top.code.lower()}-{sub.slug}-{variant}.png"


def category_icon_name(top: Top, sub: Sub | None = None) -> str:
    return f"demo/categories/{top.code.lower()}{'-' + sub.slug if sub else ''}.png"


def charm_price(fen: int) -> int:
    """Round to a price a shop would print: 12.90, 39.90, 129.00, 1299.00 (always > 0)."""
    if fen < 2000:
        return (fen // 100) * 100 + 90
    if fen < 10000:
        return (fen // 500) * 500 + 490
    if fen < 100000:
        return (fen // 1000) * 1000 + 900
    return (fen // 10000) * 10000 + 9900


def ean13(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def parse_axis(spec: str) -> list[tuple[str, int]]:
    options = []
    for part in spec.split("/"):
        label, _, pct = part.partition("|")
        options.append((label, int(pct or 100)))
    return options


def slots() -> list[tuple[Top, Sub]]:
    """(top, sub) pairs interleaved across top categories, so even a tiny plan covers all four."""
    out = []
    for i in range(max(len(t.subs) for t in TOPS)):
        out.extend((top, top.subs[i]) for top in TOPS if i < len(top.subs))
    return out


class _Names:
    """Hands out (brand, item, edition) triples per subcategory without repeating a title."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.queues: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
        self.rounds: dict[tuple[str, str], int] = {}

    def take(self, top: Top, sub: Sub) -> tuple[int, str, str]:
        key = (top.code, sub.slug)
        queue = self.queues.get(key)
        if not queue:
            n = self.rounds.get(key, -1) + 1
            self.rounds[key] = n
            edition = EDITIONS[n] if n < len(EDITIONS) else f"{n}代"
            queue = [(b, item, edition) for b in range(len(top.brands)) for item in sub.items]
            self.rng.shuffle(queue)
            self.queues[key] = queue
        return queue.pop()


def build_plan(*, seed: int, sku_target: int) -> list[ProductPlan]:
    """Products round-robin over the subcategories until exactly ``sku_target`` SKUs exist."""
    rng = random.Random(seed)
    names = _Names(rng)
    pairs = slots()
    counters: dict[str, int] = {}
    plan: list[ProductPlan] = []
    remaining = sku_target
    sku_serial = 0
    while remaining > 0:
        top, sub = pairs[len(plan) % len(pairs)]
        counters[top.code] = counters.get(top.code, 0) + 1
        code = f"{CODE_PREFIX}{top.code}-{counters[top.code]:04d}"
        brand_i, item, edition = names.take(top, sub)
        product = _product(rng, top, sub, code, top.brands[brand_i], item, edition)
        # The first product of each top category leaves room for the others, so even a tiny
        # target shows all four top categories.
        reserve = max(0, len(TOPS) - len(plan) - 1)
        product.skus = _skus(rng, top, sub, code, brand_i, sku_serial)[: max(1, remaining - reserve)]
        sku_serial += len(product.skus)
        remaining -= len(product.skus)
        plan.append(product)
    return plan


def _product(rng: random.Random, top: Top, sub: Sub, code: str, brand: str, item: str, edition: str) -> ProductPlan:
    word, _, size = item.partition("@")
    title = f"{brand} {word}{edition}" + (f" {size}" if size else "")
    points = rng.sample(sub.points, 3)
    tier = rng.randrange(100)
    if tier < 15:
        sales = rng.randint(0, 20)
    elif tier < 60:
        sales = rng.randint(21, 500)
    elif tier < 90:
        sales = rng.randint(501, 5000)
    else:
        sales = rng.randint(5001, 60000)
    return ProductPlan(
        code=code,
        top=top,
        sub=sub,
        supplier=SELF_SUPPLIER if rng.randrange(100) < 25 else top.supplier,
        title=title,
        subtitle="｜".join(points),
        detail_html=_detail(rng, top, sub, brand, word, size, points),
        is_on_shelf=rng.randrange(100) < 90,
        sales_count=sales,
        accent=rng.randrange(len(top.accents)),
        gallery=tuple(gallery_image_name(top, sub, v) for v in sorted(rng.sample(range(1, GALLERY_VARIANTS + 1), 2))),
    )


def _detail(rng: random.Random, top: Top, sub: Sub, brand: str, word: str, size: str, points: list[str]) -> str:
    rows = [("品牌", brand), ("品名", word), ("净含量", size or "以实际规格为准"), ("产地", rng.choice(top.origins))]
    rows.append(("保质期", rng.choice(top.shelf_life)))
    rows.extend((axis[0], "、".join(label for label, _ in parse_axis(axis[1]))) for axis in sub.axes)
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    bullets = "".join(f"<li>{escape(p)}</li>" for p in points)
    return (
        f"<h3>产品亮点</h3><p>{escape(brand)}{escape(word)}，{escape(points[0])}、{escape(points[1])}。"
        f"{escape(rng.choice(INTROS))}</p><ul>{bullets}</ul>"
        f"<h3>规格参数</h3><table><tbody>{table}</tbody></table>"
        f"<h3>购买须知</h3><p>{escape(NOTICES[top.code])}</p>"
        "<p>图片由系统生成，仅作演示；本商品为 Fenxiao 演示数据。</p>"
    )


def _skus(rng: random.Random, top: Top, sub: Sub, code: str, brand_i: int, serial: int) -> list[SkuPlan]:
    axes = []
    for name, spec, lo, hi in sub.axes:
        options = parse_axis(spec)
        k = min(rng.randint(lo, hi), len(options))
        axes.append([(name, *options[i]) for i in sorted(rng.sample(range(len(options)), k))])
    base_fen = rng.randint(sub.price_yuan[0] * 100, sub.price_yuan[1] * 100)
    base_weight = sub.weight_g * rng.randint(80, 120) // 100
    market_pct = rng.choice((100, 115, 120, 125, 135, 150, 180))
    prefix = f"69{TOPS.index(top) + 1}{brand_i:02d}{top.subs.index(sub):02d}"
    out = []
    for n, combo in enumerate(itertools.product(*axes), start=1):
        raw, weight = base_fen, base_weight
        for _, _, pct in combo:
            raw, weight = raw * pct // 100, weight * pct // 100
        price = charm_price(raw)
        cost = min(price - 1, max(1, price * rng.randint(40, 70) // 100))
        roll = rng.randrange(100)
        if roll < 7:
            stock = 0
        elif roll < 20:
            stock = rng.randint(1, 30)
        elif roll < 75:
            stock = rng.randint(31, 800)
        else:
            stock = rng.randint(801, 5000)
        out.append(
            SkuPlan(
                code=f"{code}-{n:02d}",
                specs={name: label for name, label, _ in combo},
                price_fen=price,
                market_price_fen=max(price, charm_price(price * market_pct // 100)),
                cost_fen=cost,
                weight_g=max(1, weight),
                barcode=ean13(f"{prefix}{(serial + n) % 100000:05d}"),
                stock=stock,
                is_active=rng.randrange(100) >= 2,
            )
        )
    return out
