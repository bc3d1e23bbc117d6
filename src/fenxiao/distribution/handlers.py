"""Where order events and sweeps reach distribution: each handler loads by id and calls one
idempotent service (DESIGN §2), so a replayed event or a repair sweep adds nothing."""

from __future__ import annotations

from fenxiao.distribution.commission.booking import (
    commission_book,
    commission_schedule_settlement,
    on_order_placed,
    sweep_unbooked_orders,
    sweep_unscheduled_commission,
)
from fenxiao.distribution.commission.refunds import commission_refund_sync, sweep_unsynced_refunds
from fenxiao.distribution.commission.settlement import sweep_settle_commission
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.fraud.decisions import on_case_cleared, on_case_decided
from fenxiao.distribution.fraud.detection import fraud_check_binding, fraud_check_order, fraud_check_refund
from fenxiao.distribution.models import BecomePolicy
from fenxiao.distribution.network.enrolment import distributor_qualify_by_spend
from fenxiao.distribution.withdrawals.payouts import sweep_payouts, withdrawal_transfer_notified
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.orders.models import Order


def on_order_paid(*, order_id: int) -> None:
    row = distribution_settings()
    commission_book(order_id=order_id, row=row)
    if row.become_policy == BecomePolicy.SPEND:
        buyer_id = Order.objects.filter(pk=order_id).values_list("buyer_id", flat=True).first()
        if buyer_id is not None:
            distributor_qualify_by_spend(user_id=buyer_id)


def on_order_received(*, order_id: int) -> None:
    commission_schedule_settlement(order_id=order_id)


def on_order_line_refunded(*, order_line_id: int, **_payload) -> None:
    commission_refund_sync(order_line_id=order_line_id)


def on_order_paid_fraud(*, order_id: int) -> None:
    fraud_check_order(order_id=order_id)


def on_order_refunded_fraud(*, order_id: int, **_payload) -> None:
    fraud_check_refund(order_id=order_id)


def on_referral_bound(*, user_id: int, distributor_id: int) -> None:
    fraud_check_binding(user_id=user_id, distributor_id=distributor_id)


def deliver_sandbox_transfer_notification(message: SignedMessage) -> None:
    """The sandbox's transfer notify URL: what WeChat would POST to us, through the same path."""
    withdrawal_transfer_notified(headers=message.headers, body=message.body)


__all__ = [
    "on_case_cleared",
    "on_case_decided",
    "on_order_line_refunded",
    "on_order_paid",
    "on_order_paid_fraud",
    "on_order_placed",
    "on_order_received",
    "on_order_refunded_fraud",
    "on_referral_bound",
    "sweep_payouts",
    "sweep_settle_commission",
    "sweep_unbooked_orders",
    "sweep_unscheduled_commission",
    "sweep_unsynced_refunds",
]
