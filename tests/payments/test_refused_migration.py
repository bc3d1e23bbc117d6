"""Existing databases: double payments and payments that landed on cancelled orders (the old
records of refused money) become ``refused`` payments; refunds already asked for are found under
the new purpose, so the sweep refunds what was still owed and nothing twice."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from fenxiao.orders.models import Order, OrderStatus
from fenxiao.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from fenxiao.payments.services import sweep_refused_payments
from tests.payments.support import make_order

pytestmark = pytest.mark.django_db

migration = importlib.import_module("fenxiao.payments.migrations.0003_payment_refused")


def _payment(order: Order, n: int, **fields) -> Payment:
    values = {
        "out_trade_no": f"{order.order_no}P{n}",
        "amount_fen": order.payable_fen,
        "description": "订单",
        "payer_openid": "o-legacy",
        "transaction_id": f"42000000000000000000000{order.pk:03d}{n}",
        "trade_state": "SUCCESS",
        "paid_at": timezone.now(),
        **fields,
    }
    return Payment.objects.create(order=order, **values)


def _refund(payment: Payment, purpose: str) -> Refund:
    return Refund.objects.create(
        payment=payment,
        order=payment.order,
        out_refund_no=f"R{payment.order.order_no}-1",
        amount_fen=payment.amount_fen,
        purpose=purpose,
        status=RefundStatus.PROCESSING,
    )


def test_legacy_refused_money_moves_to_the_refused_status_and_purpose(buyer):
    paid_twice = make_order(buyer)
    Order.objects.filter(pk=paid_twice.pk).update(status=OrderStatus.PAID)
    kept = _payment(paid_twice, 1, status=PaymentStatus.SUCCEEDED)
    second = _payment(paid_twice, 2, status=PaymentStatus.CLOSED, anomaly="订单已有成功支付，本笔为重复支付")
    second_refund = _refund(second, f"duplicate_payment:{second.pk}")

    late = make_order(buyer)
    Order.objects.filter(pk=late.pk).update(status=OrderStatus.CANCELLED, paid_fen=late.payable_fen)
    late_payment = _payment(late, 1, status=PaymentStatus.SUCCEEDED)
    late_refund = _refund(late_payment, f"late_payment:{late.pk}")

    never_refunded = make_order(buyer)
    Order.objects.filter(pk=never_refunded.pk).update(status=OrderStatus.CANCELLED)
    owed = _payment(never_refunded, 1, status=PaymentStatus.SUCCEEDED)

    migration.forwards(apps, None)

    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses == {
        kept.pk: PaymentStatus.SUCCEEDED,
        second.pk: PaymentStatus.REFUSED,
        late_payment.pk: PaymentStatus.REFUSED,
        owed.pk: PaymentStatus.REFUSED,
    }
    assert Refund.objects.get(pk=second_refund.pk).purpose == f"refused_payment:{second.pk}"
    assert Refund.objects.get(pk=late_refund.pk).purpose == f"refused_payment:{late_payment.pk}"
    assert sweep_refused_payments(now=timezone.now()) == 1  # only the one never asked for
    assert Refund.objects.filter(payment=owed).get().amount_fen == owed.amount_fen
    assert not kept.refunds.exists()
