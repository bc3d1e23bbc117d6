"""The checkout pricing hook that promotions plug into, and the order events that distribution
and promotions subscribe to: exercised with a stand-in provider and a recording subscriber."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import DomainError
from fenxiao.core.extensions import subscribe, unsubscribe
from fenxiao.orders.pricing import Discount, spread_discount
from fenxiao.orders.pricing_hooks import discount_providers
from fenxiao.orders.services import order_cancel
from tests.order_support import mark_paid, place_order


class FullReductionCoupon:
    """满 50 减 20, spread over every line; refused when the shopper names an unknown coupon."""

    kind = "test_coupon"

    def __init__(self):
        self.committed: list[tuple[int, int]] = []

    def discounts(self, ctx):
        if "test_coupon_id" not in ctx.options:
            return []
        if ctx.options["test_coupon_id"] != 1:
            raise DomainError("COUPON_NOT_FOUND", "优惠券不存在")
        if sum(line.paid_fen for line in ctx.lines) < 5000:
            return []
        amounts = spread_discount(2000, ctx.lines, range(len(ctx.lines)))
        return [Discount(kind=self.kind, label="满50减20", line_amounts=amounts, data={"test_coupon_id": 1})]

    def commit(self, ctx, discounts, order):
        self.committed.append((order.id, sum(d.amount_fen for d in discounts)))


@pytest.fixture
def coupon():
    provider = FullReductionCoupon()
    discount_providers.register(provider.kind, provider)
    yield provider
    discount_providers.unregister(provider.kind)


@pytest.fixture
def published():
    seen: list[tuple[str, dict]] = []
    handlers = {}
    for name in ("order_created", "order_paid", "order_cancelled"):
        handlers[name] = lambda _name=name, **payload: seen.append((_name, payload))
        subscribe(name, handlers[name])
    yield seen
    for name, handler in handlers.items():
        unsubscribe(name, handler)


def test_quote_applies_the_providers_discount_exactly_across_lines(buyer_api, sku, sku2, coupon):
    body = {
        "lines": [{"sku_id": sku.id, "quantity": 1}, {"sku_id": sku2.id, "quantity": 2}],
        "options": {"test_coupon_id": 1},
    }
    quote = buyer_api.post("/api/v1/checkout/quote", body).json()
    assert quote["discounts"] == [{"kind": "test_coupon", "label": "满50减20", "amount_fen": 2000}]
    # 2000 × 3990/6490 = 1229.6 and 2000 × 2500/6490 = 770.4: the larger remainder takes the last fen
    assert [line["discount_fen"] for line in quote["lines"]] == [1230, 770]
    assert quote["discount_fen"] == 2000
    assert quote["payable_fen"] == 3990 + 2500 - 2000
    without = buyer_api.post("/api/v1/checkout/quote", {"lines": body["lines"]}).json()
    assert without["discount_fen"] == 0


def test_a_providers_refusal_is_the_shoppers_error(buyer_api, sku, coupon):
    res = buyer_api.post(
        "/api/v1/checkout/quote", {"lines": [{"sku_id": sku.id, "quantity": 2}], "options": {"test_coupon_id": 9}}
    )
    assert (res.status_code, res.json()["code"]) == (400, "COUPON_NOT_FOUND")


def test_the_order_keeps_the_discount_per_line_and_tells_the_provider(buyer, sku, sku2, coupon):
    order = place_order(buyer, (sku.id, 1), (sku2.id, 2), options={"test_coupon_id": 1})

    assert order.discount_fen == 2000
    assert order.payable_fen == order.goods_fen - 2000
    lines = list(order.lines.order_by("id"))
    assert [(ln.discount_fen, ln.paid_fen) for ln in lines] == [(1230, 2760), (770, 1730)]
    assert sum(ln.paid_fen for ln in lines) == order.payable_fen  # no shipping template: free
    assert order.adjustments == [
        {"kind": "test_coupon", "label": "满50减20", "amount_fen": 2000, "data": {"test_coupon_id": 1}}
    ]
    assert coupon.committed == [(order.id, 2000)]


def test_order_events_are_published_after_commit(buyer, sku, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(buyer, (sku.id, 1))
    with django_capture_on_commit_callbacks(execute=True):
        mark_paid(order)
    other = place_order(buyer, (sku.id, 1))
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order_id=other.id, by=buyer)

    assert published == [
        ("order_created", {"order_id": order.id}),
        ("order_paid", {"order_id": order.id}),
        ("order_cancelled", {"order_id": other.id}),
    ]
