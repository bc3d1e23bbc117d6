"""Payments' stable error codes and the Chinese a shopper or operator reads.

``NotificationRejected`` is what WeChat gets when we refuse a notification: the API answers it as
``{"code": "FAIL", "message": ...}`` with 401 (not proved to come from WeChat), 400 (unreadable or
not matching our records) or 500, and WeChat delivers it again later."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, NotFound


class PaymentError(DomainError):
    pass


def order_not_found() -> NotFound:
    return NotFound("ORDER_NOT_FOUND", "订单不存在")


def payment_not_found() -> NotFound:
    return NotFound("PAYMENT_NOT_FOUND", "支付单不存在")


def refund_not_found() -> NotFound:
    return NotFound("REFUND_NOT_FOUND", "退款单不存在")


def order_not_payable(message: str = "订单当前状态不能付款") -> Conflict:
    return Conflict("ORDER_NOT_PAYABLE", message)


def openid_required() -> PaymentError:
    return PaymentError("OPENID_REQUIRED", "请先使用微信登录后再付款")


def refund_not_allowed() -> Conflict:
    return Conflict("REFUND_NOT_ALLOWED", "订单没有成功的支付，无法退款")


def refund_amount_invalid() -> PaymentError:
    return PaymentError("REFUND_AMOUNT_INVALID", "退款金额必须大于 0", field="amount_fen")


def refund_exceeds_paid(left_yuan: str) -> PaymentError:
    return PaymentError("REFUND_EXCEEDS_PAID", f"退款金额超过可退金额（剩余 {left_yuan} 元）", field="amount_fen")


def refund_purpose_conflict() -> Conflict:
    return Conflict("REFUND_PURPOSE_CONFLICT", "同一用途已有金额不同的退款")


class NotificationRejected(DomainError):
    """``reason`` is a short English tag for logs and the Notification row's outcome."""

    def __init__(self, *, status: int, reason: str, message: str):
        super().__init__("FAIL", message, status=status)
        self.reason = reason


def notification_refused(kind: str) -> NotificationRejected:
    """What a notification that failed verification (``NotificationError.kind``) is answered with:
    401 for a signature that does not prove WeChat sent it, 400 for anything unreadable."""
    if kind == "signature":
        return NotificationRejected(status=401, reason="signature", message="签名验证失败")
    return NotificationRejected(status=400, reason="malformed", message="通知格式不正确")
