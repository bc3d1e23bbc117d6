"""Reads: the order being paid (a ``PayableOrder`` value from orders' port: payments never reads
the order's row), open payments, what the sweeps should look at, what is left to refund."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, Sum

from fenxiao.payments.errors import order_not_found
from fenxiao.payments.hooks import PayableOrder, order_port
from fenxiao.payments.models import Payment, PaymentStatus, Refund, RefundStatus

# A notification normally arrives within seconds; after this long we ask WeChat ourselves.
QUERY_AFTER = timedelta(minutes=5)
# Never ask WeChat about the same payment or refund more often than this, however many sweepers run.
QUERY_INTERVAL = timedelta(minutes=1)
REFUND_QUERY_AFTER = timedelta(minutes=10)
REFUND_QUERY_INTERVAL = timedelta(minutes=5)
# A refund WeChat did not accept (network, busy, our balance) is sent again, same out_refund_no.
RESUBMIT_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 100


def order_get_for_buyer(*, order_id: int, buyer_id: int) -> PayableOrder:
    """The order, if ``buyer_id`` placed it; anybody else's order does not exist for them."""
    order = order_port.one().get(order_id)
    if order is None or order.buyer_id != buyer_id:
        raise order_not_found()
    return order


def order_get_by_no(*, order_no: str) -> PayableOrder:
    order = order_port.one().get_by_no(order_no)
    if order is None:
        raise order_not_found()
    return order


def payment_open_for_order(*, order_id: int) -> Payment | None:
    return Payment.objects.filter(order_id=order_id, status=PaymentStatus.CREATED).first()


def payment_ids_open_for_order(*, order_id: int) -> list[int]:
    """Payments of the order the buyer may still complete at WeChat (whatever their mode: a
    sandbox payment left from before going live is closed as unknown to WeChat)."""
    return list(Payment.objects.filter(order_id=order_id, status=PaymentStatus.CREATED).values_list("pk", flat=True))


def payment_succeeded_for_order(*, order_id: int) -> Payment | None:
    return Payment.objects.filter(order_id=order_id, status=PaymentStatus.SUCCEEDED).first()


def _due(field: str, before: datetime) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": before})


def payments_awaiting_confirmation(*, now: datetime, mode: str) -> list[int]:
    """Open payments whose notification has not come: prepared a while ago, not asked about lately.
    Payments flagged with an anomaly wait for a person instead; payments made in the other mode
    (sandbox demo data after going live) are not WeChat's to answer for."""
    return list(
        Payment.objects.filter(status=PaymentStatus.CREATED, mode=mode, anomaly="", created_at__lte=now - QUERY_AFTER)
        .filter(_due("last_queried_at", now - QUERY_INTERVAL))
        .order_by("last_queried_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def payments_expired(*, now: datetime, mode: str) -> list[int]:
    """Open payments past their deadline: to be closed at WeChat so they can no longer be paid."""
    return list(
        Payment.objects.filter(status=PaymentStatus.CREATED, mode=mode, anomaly="", expires_at__lte=now)
        .filter(_due("last_queried_at", now - QUERY_INTERVAL))
        .order_by("expires_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def refunds_awaiting_submission(*, now: datetime, mode: str) -> list[int]:
    # created_at too: a refund being submitted right now by refund_create is not the sweep's.
    return list(
        Refund.objects.filter(status=RefundStatus.CREATED, payment__mode=mode, created_at__lte=now - QUERY_INTERVAL)
        .filter(_due("submitted_at", now - RESUBMIT_AFTER))
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def refunds_awaiting_result(*, now: datetime, mode: str) -> list[int]:
    return list(
        Refund.objects.filter(
            status=RefundStatus.PROCESSING, payment__mode=mode, updated_at__lte=now - REFUND_QUERY_AFTER
        )
        .filter(_due("last_queried_at", now - REFUND_QUERY_INTERVAL))
        .order_by("last_queried_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def refundable_fen(*, payment: Payment) -> int:
    """What is left to refund: the payment less every refund that is not closed (an abnormal
    refund has left our account even though it has not reached the buyer)."""
    taken = (
        Refund.objects.filter(payment=payment).exclude(status=RefundStatus.CLOSED).aggregate(s=Sum("amount_fen"))["s"]
        or 0
    )
    return payment.amount_fen - taken
