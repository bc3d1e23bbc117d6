"""Payments' HTTP face: the buyer's "pay" button, WeChat's notify URLs and the sandbox's "pay it
now" button. Mounted at ``/api/v1``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.security import HttpBearer

from fenxiao.accounts.auth import user_auth
from fenxiao.accounts.models import User
from fenxiao.accounts.selectors import token_user
from fenxiao.accounts.tokens import token_decode
from fenxiao.core.errors import DomainError
from fenxiao.core.openapi_errors import answers
from fenxiao.core.web_api import error_response
from fenxiao.payments.errors import openid_required, order_not_found
from fenxiao.payments.schemas import NotifyAck, PayOut, SandboxPaidOut
from fenxiao.payments.selectors import order_get_by_no, order_get_for_buyer
from fenxiao.payments.services import (
    notification_handle,
    payment_description,
    payment_prepare,
    sandbox_payment_succeed,
)

logger = logging.getLogger(__name__)
router = Router(tags=["支付"])


@router.post("/orders/{order_id}/pay", auth=user_auth, response=PayOut, summary="微信支付下单")
@answers(400, 409, 502)
def pay_order(request: HttpRequest, order_id: int):
    """Returns the parameters for ``wx.requestPayment``; calling it again reuses the same payment."""
    buyer: User = request.auth  # type: ignore[attr-defined]
    order = order_get_for_buyer(order_id=order_id, buyer_id=buyer.pk)
    if not buyer.openid:
        raise openid_required()
    prepared = payment_prepare(
        order_id=order.order_id, payer_openid=buyer.openid, description=payment_description(order.order_no)
    )
    return {"payment_no": prepared.payment.out_trade_no, "params": prepared.params}


def wechat_notify_answer(request: HttpRequest, handle: Callable[..., object]) -> HttpResponse | dict:
    """A WeChat Pay notify URL: ``handle(headers=, body=)`` gets the raw bytes (the signature covers
    them exactly) and verifies before anything else. WeChat is answered in its own shape: SUCCESS,
    or FAIL (a refusal with its status, or 500 on a crash) so it delivers the notification again."""
    try:
        handle(headers=request.headers, body=request.body)
    except DomainError:
        raise  # NotificationRejected → {"code": "FAIL", "message"} with its status
    except Exception:
        logger.exception("wechatpay notification: handling failed (%s)", request.path)
        return error_response(500, "FAIL", "处理失败，请稍后重试")
    return {"code": "SUCCESS", "message": "成功"}


def _notify(request: HttpRequest) -> HttpResponse | dict:
    return wechat_notify_answer(request, notification_handle)


@router.post(
    "/payments/wechat/notify", auth=None, response=NotifyAck, summary="微信支付结果通知", include_in_schema=False
)
def wechat_notify(request: HttpRequest):
    return _notify(request)


@router.post(
    "/payments/wechat/refund-notify", auth=None, response=NotifyAck, summary="微信退款结果通知", include_in_schema=False
)
def wechat_refund_notify(request: HttpRequest):
    return _notify(request)


@dataclass(frozen=True)
class Caller:
    user: User
    staff: bool


class SandboxCallerAuth(HttpBearer):
    """A shopper token or a staff token. Outside sandbox mode the endpoint does not exist."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        if settings.WECHAT_MODE != "sandbox":
            raise order_not_found()
        if not token.strip():
            return None
        claims = token_decode(token, expected_type="access")
        user = token_user(claims)
        return Caller(user=user, staff=claims.scope == "staff" and user.is_staff)


@router.post(
    "/sandbox/payments/{order_no}/succeed",
    auth=SandboxCallerAuth(),
    response=SandboxPaidOut,
    summary="沙箱：模拟支付成功",
)
@answers(409)
def sandbox_succeed(request: HttpRequest, order_no: str):
    """Sandbox only: pays the order as WeChat would report it (signed, encrypted notification)."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    order = order_get_by_no(order_no=order_no)
    if not caller.staff and order.buyer_id != caller.user.pk:
        raise order_not_found()
    paid = sandbox_payment_succeed(order_id=order.order_id)
    after = order_get_by_no(order_no=order_no)
    return {
        "order_no": order.order_no,
        "order_status": after.status,
        "payment_no": paid.payment.out_trade_no,
        "payment_status": paid.payment.status,
        "outcome": paid.outcome,
    }
