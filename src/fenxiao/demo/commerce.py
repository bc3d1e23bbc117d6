"""Demo shipping template and demo orders in every state, so the order pages, the admin queues
and the after-sales desk have something to show on a first ``make run``.

Orders go through the real services (checkout, sandbox payment with signed notifications,
shipping, after-sales), never through raw rows, so the demo data obeys every rule the mall does."""

from __future__ import annotations

from dataclasses import dataclass

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Sku
from fenxiao.orders.aftersales.buyer_steps import AfterSaleLineRequest, aftersale_request
from fenxiao.orders.checkout import LineRequest
from fenxiao.orders.models import Order, ShippingRule, ShippingTemplate
from fenxiao.orders.services import order_cancel, order_confirm_receipt, order_create
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.payments.sandbox import sandbox_payment_succeed

TEMPLATE_NAME = "全国包邮（满99元）"
REMOTE = ["新疆维吾尔自治区", "西藏自治区", "青海省", "内蒙古自治区"]
NOT_DELIVERED = ["香港特别行政区", "澳门特别行政区", "台湾省"]


@dataclass
class OrdersResult:
    template_created: bool = False
    orders: int = 0


def ensure_shipping_template() -> bool:
    """The store-wide default: ¥8 for the first piece and ¥2 for each more, ¥20 + ¥10 to remote
    regions, free from ¥99, no delivery outside the mainland."""
    if ShippingTemplate.objects.filter(is_default=True).exists():
        return False
    template = ShippingTemplate.objects.create(name=TEMPLATE_NAME, is_default=True, free_over_fen=9900)
    ShippingRule.objects.bulk_create(
        [
            ShippingRule(template=template, provinces=[], first_units=1, first_fen=800, extra_units=1, extra_fen=200),
            ShippingRule(
                template=template, provinces=REMOTE, first_units=1, first_fen=2000, extra_units=1, extra_fen=1000
            ),
            ShippingRule(template=template, provinces=NOT_DELIVERED, is_unreachable=True),
        ]
    )
    return True


def _first_sku_per_product(count: int) -> list[Sku]:
    seen: set[int] = set()
    out: list[Sku] = []
    for sku in Sku.objects.filter(
        is_active=True, product__is_on_shelf=True, stock_level__quantity__gte=20, product__code__startswith="DEMO-"
    ).order_by("product_id", "id")[: count * 8]:
        if sku.product_id not in seen:
            seen.add(sku.product_id)
            out.append(sku)
        if len(out) == count:
            break
    return out


def seed_demo_orders() -> OrdersResult:
    """Alice's orders cover every tab of 我的订单: unpaid, paid, shipped, received with an
    after-sale under review, and cancelled. Skipped when she already has orders."""
    result = OrdersResult(template_created=ensure_shipping_template())
    alice = User.objects.filter(openid="sandbox-alice").first()
    if alice is None or Order.objects.filter(buyer=alice).exists():
        return result
    address = alice.addresses.filter(is_default=True).first()
    skus = _first_sku_per_product(8)
    if address is None or len(skus) < 8:
        return result
    admin = User.objects.filter(is_superuser=True).order_by("id").first()

    def place(*lines: tuple[Sku, int], remark: str = "") -> Order:
        return order_create(
            user=alice,
            lines=[LineRequest(sku.id, qty) for sku, qty in lines],
            address_id=address.id,
            remark=remark,
        )

    place((skus[0], 1), remark="请尽快发货")  # 待付款
    paid = place((skus[1], 2))
    sandbox_payment_succeed(order_id=paid.pk)  # 待发货
    shipped = place((skus[2], 1), (skus[3], 1))
    sandbox_payment_succeed(order_id=shipped.pk)
    order_ship(order_id=shipped.id, by=admin, carrier_code="SF", tracking_no="SF1400000000001")  # 待收货
    received = place((skus[4], 2), (skus[5], 1))
    sandbox_payment_succeed(order_id=received.pk)
    order_ship(order_id=received.id, by=admin, carrier_code="ZTO", tracking_no="75000000000001")
    order_confirm_receipt(order_id=received.id, by=alice)
    first_line = received.lines.order_by("id").first()
    aftersale_request(
        order_id=received.id,
        buyer=alice,
        kind="refund_only",
        reason="商品破损",
        description="外包装压坏，一瓶漏液",
        lines=[AfterSaleLineRequest(order_line_id=first_line.id, quantity=1)],
    )  # 售后
    cancelled = place((skus[6], 1))
    order_cancel(order_id=cancelled.id, by=alice, reason="拍错了")
    result.orders = Order.objects.filter(buyer=alice).count()
    return result
