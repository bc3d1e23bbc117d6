"""A coupon comes back when its order is refunded in full, through the real after-sales flow: paid
in the WeChat Pay sandbox, refunded, the order closed and ``order_closed`` delivered after commit."""

from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.orders.aftersales.review import aftersale_approve
from fenxiao.orders.models import OrderStatus
from fenxiao.promotions.models import CouponTemplate
from tests.order_support import place_order
from tests.orders.aftersales.support import ask, lines_of, pay
from tests.promotions.coupons.support import claim, make_template

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_fully_refunded_order_gives_the_coupon_back_and_a_partly_refunded_one_does_not(buyer, sku):
    staff = User.objects.create(username="refund-operator", is_staff=True)
    uc = claim(buyer, make_template())
    order = pay(place_order(buyer, (sku.id, 2), options={"coupon_id": uc.pk}))
    (line,) = lines_of(order)
    assert (order.discount_fen, line.paid_fen) == (2000, 18_000)

    aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)
    uc.refresh_from_db()
    assert uc.status == "used"  # half refunded: the order still stands

    aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)
    order.refresh_from_db()
    uc.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert (uc.status, uc.used_order_id) == ("unused", None)
    assert CouponTemplate.objects.get(pk=uc.template_id).used_count == 0
