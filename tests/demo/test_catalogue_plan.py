"""The demo plan as plain data: no database, so these run in milliseconds."""

from __future__ import annotations

import io

from PIL import Image

from fenxiao.demo import images
from fenxiao.demo.catalogue import TOPS, build_plan, charm_price, ean13


def test_charm_prices_look_like_shop_prices():
    for fen in range(1, 500_000, 137):
        price = charm_price(fen)
        assert price > 0
        assert charm_price(price) == price  # idempotent: a charm price stays put
        yuan, cents = divmod(price, 100)
        if price < 2000:
            assert cents == 90  # 9.90, 12.90, 19.90
        elif price < 10000:
            assert cents == 90 and yuan % 5 == 4  # 24.90, 39.90
        else:
            assert cents == 0 and yuan % 10 == 9  # 129.00, 1299.00
    assert charm_price(1234) == 1290
    assert charm_price(3750) == 3990
    assert charm_price(12345) == 12900


def test_ean13_check_digit():
    assert ean13("690123456789") == "6901234567892"


def test_plan_has_exactly_the_requested_skus_and_covers_all_four_tops():
    plan = build_plan(seed=7, sku_target=8)
    assert sum(len(p.skus) for p in plan) == 8
    assert {p.top.name for p in plan} == {"美妆", "母婴", "食品", "日用百货"}


def test_plan_is_deterministic_per_seed():
    def flat(seed):
        return [
            (p.code, p.title, p.detail_html, [vars(s) for s in p.skus]) for p in build_plan(seed=seed, sku_target=300)
        ]

    assert flat(1) == flat(1)
    assert flat(1) != flat(2)


def test_plan_content_is_sensible():
    plan = build_plan(seed=20240601, sku_target=1500)
    codes = [s.code for p in plan for s in p.skus]
    assert len(codes) == len(set(codes))
    assert len({s.barcode for p in plan for s in p.skus}) == len(codes)
    spec_keys = {p.sub.name: set() for p in plan}
    for p in plan:
        for s in p.skus:
            spec_keys[p.sub.name].update(s.specs)
            assert s.market_price_fen >= s.price_fen > s.cost_fen > 0
            assert ean13(s.barcode[:12]) == s.barcode
    assert spec_keys["彩妆"] == {"色号"}
    assert spec_keys["纸尿裤"] == {"尺码", "规格"}
    assert spec_keys["奶粉辅食"] == {"段数", "规格"}
    assert spec_keys["休闲零食"] == {"口味", "规格"}
    assert len({p.title for p in plan}) == len(plan)  # no two products share a title


def test_images_are_small_valid_pngs_and_identical_for_identical_input():
    top = TOPS[0]
    for sub in top.subs:
        data = images.product_png(code="DEMO-BEA-0001", top=top, sub=sub, accent=1)
        assert data == images.product_png(code="DEMO-BEA-0001", top=top, sub=sub, accent=1)
        assert data.startswith(b"\x89PNG")
        assert len(data) < 10_000
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == "PNG"
            assert im.size == (480, 480)
    for shape in images.SHAPES:
        assert any(sub.shape == shape for t in TOPS for sub in t.subs), f"unused shape {shape}"
