"""Paying without WeChat (``WECHAT_MODE=sandbox``): the sandbox builds the TRANSACTION.SUCCESS
notification WeChat would send, signed and encrypted with the sandbox's keys, and it goes through
the real notification handler. The sandbox's own refund notifications arrive through the same
handler via the sink registered at start-up."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

from fenxiao.integrations.wechat.pay import sandbox as pay_sandbox
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.payments.errors import order_not_found
from fenxiao.payments.hooks import order_port
from fenxiao.payments.models import Payment
from fenxiao.payments.notifications import notification_handle
from fenxiao.payments.prepare import payment_description, payment_prepare
from fenxiao.payments.selectors import payment_open_for_order, payment_succeeded_for_order

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SandboxPayment:
    payment: Payment
    outcome: str


def sandbox_payment_succeed(*, order_id: int) -> SandboxPayment:
    """Pay the order in the sandbox as its buyer would, through the live notification path: handed
    to the handler here, or POSTed over HTTP when ``WECHATPAY_SANDBOX_NOTIFY_URL`` is set (outcome
    ``notified``: the order is paid when that request has been served). Paying a paid order again
    changes nothing. Raises ORDER_NOT_FOUND outside sandbox mode."""
    gateway = pay_gateway()
    if not isinstance(gateway, pay_sandbox.SandboxWechatPay):
        raise order_not_found()
    order = order_port.one().get(order_id)
    if order is None:
        raise order_not_found()
    paid = payment_succeeded_for_order(order_id=order.order_id)
    if paid is not None:
        return SandboxPayment(payment=paid, outcome="duplicate")
    payment = payment_open_for_order(order_id=order.order_id)
    if payment is None or not payment.prepay_id:
        openid = order.buyer_openid or f"sandbox-buyer-{order.buyer_id}"
        payment = payment_prepare(
            order_id=order.order_id, payer_openid=openid, description=payment_description(order.order_no)
        ).payment
    message = gateway.complete_payment(payment.out_trade_no)
    if settings.WECHATPAY_SANDBOX_NOTIFY_URL:
        # As WeChat does: the notification is POSTed to the public notify URL a moment later and
        # the buyer's page polls the order; whichever app node gets it pays the order.
        pay_sandbox.post_notification(settings.WECHATPAY_SANDBOX_NOTIFY_URL, message)
        return SandboxPayment(payment=payment, outcome="notified")
    result = notification_handle(headers=message.headers, body=message.body)
    payment.refresh_from_db()
    return SandboxPayment(payment=payment, outcome=result.outcome)


def deliver_sandbox_notification(message: SignedMessage) -> None:
    """The sandbox's notify URL: what WeChat would POST to us, handed to the same handler."""
    notification_handle(headers=message.headers, body=message.body)


def register_sandbox_sink() -> None:
    pay_sandbox.set_notification_sink(deliver_sandbox_notification)
