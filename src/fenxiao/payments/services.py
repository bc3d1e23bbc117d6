"""Payments' use cases, one module per idea; this module is the door other apps use.

- ``payment_prepare`` (prepare.py): open or reuse the order's payment, return wx.requestPayment params.
- ``notification_handle`` (notifications.py): verify, decrypt, record, claim a WeChat notification.
- ``payment_sync`` / ``payment_close`` and the sweeps (reconciliation.py).
- ``refund_create`` / ``refund_submit`` / ``refund_sync`` and the refund sweeps (refunds.py), with
  ``refund_refused_payment``: money an order refused goes back in full.
- ``sandbox_payment_succeed`` (sandbox.py): pay an order in sandbox mode through the real handler.
"""

from __future__ import annotations

from fenxiao.payments.notifications import NotificationResult, notification_handle
from fenxiao.payments.prepare import PaymentRequest, payment_description, payment_prepare
from fenxiao.payments.reconciliation import (
    payment_close,
    payment_sync,
    sweep_expired_payments,
    sweep_unconfirmed_payments,
)
from fenxiao.payments.refunds import (
    refund_create,
    refund_refused_payment,
    refund_submit,
    refund_submit_pending,
    refund_sync,
    sweep_processing_refunds,
    sweep_refused_payments,
)
from fenxiao.payments.sandbox import SandboxPayment, sandbox_payment_succeed

__all__ = [
    "NotificationResult",
    "PaymentRequest",
    "SandboxPayment",
    "notification_handle",
    "payment_close",
    "payment_description",
    "payment_prepare",
    "payment_sync",
    "refund_create",
    "refund_refused_payment",
    "refund_submit",
    "refund_submit_pending",
    "refund_sync",
    "sandbox_payment_succeed",
    "sweep_expired_payments",
    "sweep_processing_refunds",
    "sweep_refused_payments",
    "sweep_unconfirmed_payments",
]
