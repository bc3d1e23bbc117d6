"""The whole path with real commits: paid through the WeChat Pay sandbox, a partial refund
approved by the platform and refunded by the sandbox, and the commission shrinking through the
published ``order_line_refunded`` event, exact to the fen."""

from __future__ import annotations

import pytest

from fenxiao.distribution.models import CommissionRecord
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.orders.aftersales.review import aftersale_approve
from tests.distribution.support import Balances, balances, make_distributor, make_user
from tests.order_support import place_order
from tests.orders.aftersales.support import ask, fixture_aftersale_sandbox, lines_of, pay  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_partial_refund_through_after_sales_shrinks_commission(sku2, django_user_model):
    top = make_distributor("nia")
    mid = make_distributor("oto", under=top)
    shopper = make_user("pia")
    referral_bind(user_id=shopper.id, code=mid.code, source="link")
    staff = django_user_model.objects.create(username="cs", is_staff=True)

    order = pay(place_order(shopper, (sku2.id, 3)))  # 3 × 33.33: base 9999 → 999 and 499
    assert balances(mid) == Balances(pending=999, available=0, withdrawing=0)
    assert balances(top).pending == 499

    (line,) = lines_of(order)
    after_sale = ask(order, (line, 1))
    aftersale_approve(after_sale_id=after_sale.id, by=staff)

    line.refresh_from_db()
    assert line.refunded_fen == 3333
    # What stays is 999 × 6666 // 9999 = 666 and 499 × 6666 // 9999 = 332.
    assert balances(mid).pending == 666 and balances(top).pending == 332
    assert sorted(CommissionRecord.objects.values_list("reversed_fen", flat=True)) == [167, 333]
