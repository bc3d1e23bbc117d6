"""The discount shape seckill and group-buy share (``ActivityPriceProvider``): one line of the
activity's SKU within the quantity cap, discounted down to the promotional price, never below
zero and never more than what the line still costs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fenxiao.core.errors import DomainError
from fenxiao.orders.pricing import QuoteLine
from fenxiao.orders.pricing_hooks import PricingContext
from fenxiao.promotions.activities.pricing import ActivityPriceProvider


class Provider(ActivityPriceProvider):
    kind = "promotions.test"
    adjustment_kind = "test"

    def not_allowed(self) -> DomainError:
        return DomainError("TEST_NOT_ALLOWED", "不可用")


ACTIVITY = SimpleNamespace(pk=3, name="活动", sku_id=10, commission_allowed=True)


def line(*, sku_id: int = 10, quantity: int = 1, unit: int = 1000, discount: int = 0) -> QuoteLine:
    return QuoteLine(sku_id, 1, "商品", "C", "", "", unit, quantity, 0, discount_fen=discount)


def ctx(*lines: QuoteLine) -> PricingContext:
    return PricingContext(user=None, lines=list(lines), province=None)


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [line(), line(sku_id=11)],  # another line rides along
        [line(sku_id=11)],  # another SKU
        [line(quantity=3)],  # above the cap of 2
        [line(quantity=0)],
    ],
)
def test_only_one_line_of_the_activitys_sku_within_the_cap_is_priced(lines):
    with pytest.raises(DomainError) as caught:
        Provider().activity_line(ctx(*lines), ACTIVITY, max_quantity=2)
    assert caught.value.code == "TEST_NOT_ALLOWED"


def test_the_line_within_the_cap_is_the_one_priced():
    only = line(quantity=2)
    assert Provider().activity_line(ctx(only), ACTIVITY, max_quantity=2) is only


@pytest.mark.parametrize(
    ("quote", "price_fen", "amount"),
    [
        (line(unit=1000), 600, 400),
        (line(unit=1000, quantity=2), 600, 800),  # per unit
        (line(unit=1000), 1000, 0),
        (line(unit=1000), 1200, 0),  # the SKU got cheaper than the promotion: never negative
        (line(unit=1000, discount=900), 600, 100),  # never more than what the line still costs
    ],
)
def test_the_discount_brings_each_unit_down_to_the_price(quote, price_fen, amount):
    d = Provider().activity_discount(quote, ACTIVITY, price_fen=price_fen, label="秒杀价", data={"extra": 1})
    assert d.line_amounts == {0: amount}
    assert d.kind == "test"


def test_the_discount_explains_itself_for_the_order_and_for_distribution():
    d = Provider().activity_discount(line(), ACTIVITY, price_fen=650, label="拼团价", data={"group_id": 5})
    assert d.label == "拼团价 ¥6.50"
    assert d.data == {"line_indexes": [0], "activity_id": 3, "group_id": 5, "name": "活动", "commission_allowed": True}
