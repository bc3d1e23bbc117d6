"""A refund done tells the buyer once, with the refund's amount, after the WeChat Pay sandbox's
REFUND.SUCCESS comes back (real commits, as the after-sales tests run)."""

from __future__ import annotations

import pytest

from fenxiao.notifications.models import Notification, OutboxStatus
from fenxiao.orders.aftersales.review import aftersale_approve
from tests.distribution.support import make_user
from tests.notifications.support import configure_all, consent, outbox_of
from tests.order_support import place_order
from tests.orders.aftersales.support import ask, fixture_aftersale_sandbox, lines_of, pay  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refund_done_tells_the_buyer_the_amount(sku, django_user_model):
    configure_all()
    buyer = make_user("ria")
    staff = django_user_model.objects.create(username="cs", is_staff=True)
    consent(buyer, "refund_done")
    order = pay(place_order(buyer, (sku.id, 3)))

    (line,) = lines_of(order)
    aftersale_approve(after_sale_id=ask(order, (line, 1)).id, by=staff)

    (message,) = Notification.objects.filter(user=buyer, kind="refund_done")
    assert "100.00元" in message.body and order.order_no in message.body
    row = outbox_of(buyer, "refund_done")
    assert row.status == OutboxStatus.RECORDED and row.data["amount2"] == {"value": "100.00元"}
