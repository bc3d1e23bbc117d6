"""Helpers for the payment tests: keys made once per session, orders made directly, WeChat's
answers and notifications built and signed the way WeChat does (for the live client behind respx)."""

from __future__ import annotations

import json
import secrets
import time
from datetime import timedelta
from functools import cache
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from fenxiao.integrations.wechat.pay.sandbox_notifications import build_notification
from fenxiao.integrations.wechat.pay.signatures import sign_message
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.orders.models import Order
from fenxiao.payments.services import payment_prepare
from tests.support import Api

LIVE_BASE = "https://api.mch.weixin.qq.com"
MCHID = "1900009191"
APPID = "wxd678efh567hg6787"
MERCHANT_SERIAL = "F5765756002FDD77"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119009191202411250000000000"
APIV3_KEY = "Fx0123456789abcdefABCDEFghijklmn"  # 32 characters, like a real APIv3 key
NOTIFY_URL = "https://mall.example.com/api/v1/payments/wechat/notify"
REFUND_NOTIFY_URL = "https://mall.example.com/api/v1/payments/wechat/refund-notify"


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One key per name for the whole session: RSA generation is the slow part of these tests."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def merchant_key() -> rsa.RSAPrivateKey:
    return rsa_key("merchant")


def wechat_key() -> rsa.RSAPrivateKey:
    return rsa_key("wechatpay")


_order_seq = iter(range(1, 10**9))


def make_order(buyer: Any, *, payable_fen: int = 12_300, deadline_in: timedelta = timedelta(minutes=30)) -> Order:
    """An unpaid order with no lines, written directly: payments only reads number, amount,
    buyer, status and deadline."""
    return Order.objects.create(
        order_no=f"FX{timezone.now():%Y%m%d%H%M%S}{next(_order_seq):06d}",
        buyer=buyer,
        goods_fen=payable_fen,
        shipping_fen=0,
        discount_fen=0,
        payable_fen=payable_fen,
        receiver="张三",
        receiver_phone="13800138000",
        province="广东省",
        city="深圳市",
        district="南山区",
        address_detail="科技园南区 1 栋 101",
        payment_deadline=timezone.now() + deadline_in,
    )


def signed_answer(
    status: int,
    data: Any = None,
    *,
    key: rsa.RSAPrivateKey | None = None,
    serial: str = PUBLIC_KEY_ID,
    timestamp: int | None = None,
) -> httpx.Response:
    """An answer of the live API, signed as WeChat signs it (or by ``key`` to forge one)."""
    text = "" if data is None else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    headers = sign_message(
        private_key=key or wechat_key(),
        serial=serial,
        timestamp=int(time.time()) if timestamp is None else timestamp,
        nonce=secrets.token_hex(16),
        body=text,
    )
    if text:
        headers["Content-Type"] = "application/json"
    return httpx.Response(status, headers=headers, content=text.encode())


def transaction_resource(payment: Any, gateway: Any = None, **changes: Any) -> dict[str, Any]:
    """A TRANSACTION resource as WeChat reports a successful payment of ``payment`` (to the
    merchant and app of ``gateway``, else the live test merchant)."""
    resource = {
        "appid": gateway.appid if gateway else APPID,
        "mchid": gateway.mchid if gateway else MCHID,
        "out_trade_no": payment.out_trade_no,
        "transaction_id": "4200002024112512345678901234",
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "success_time": "2024-11-25T10:00:00+08:00",
        "payer": {"openid": payment.payer_openid},
        "amount": {
            "total": payment.amount_fen,
            "payer_total": payment.amount_fen,
            "currency": "CNY",
            "payer_currency": "CNY",
        },
    }
    resource.update(changes)
    return resource


def refund_resource(refund: Any, gateway: Any = None, *, status: str = "SUCCESS", **changes: Any) -> dict[str, Any]:
    resource = {
        "mchid": gateway.mchid if gateway else MCHID,
        "out_trade_no": refund.payment.out_trade_no,
        "transaction_id": refund.payment.transaction_id,
        "out_refund_no": refund.out_refund_no,
        "refund_id": f"50300{refund.pk:023d}",
        "refund_status": status,
        "success_time": "2024-11-25T11:00:00+08:00",
        "user_received_account": "支付用户零钱",
        "amount": {
            "total": refund.payment.amount_fen,
            "refund": refund.amount_fen,
            "payer_total": refund.payment.amount_fen,
            "payer_refund": refund.amount_fen,
        },
    }
    resource.update(changes)
    return resource


def live_notification(
    event_type: str,
    resource: dict[str, Any],
    *,
    key: rsa.RSAPrivateKey | None = None,
    serial: str = PUBLIC_KEY_ID,
    api_v3_key: str = APIV3_KEY,
    timestamp: int | None = None,
) -> SignedMessage:
    original_type = "transaction" if event_type.startswith("TRANSACTION") else "refund"
    return build_notification(
        wechatpay_key=key or wechat_key(),
        serial=serial,
        api_v3_key=api_v3_key,
        event_type=event_type,
        summary="支付成功" if original_type == "transaction" else "退款状态变更",
        original_type=original_type,
        resource=resource,
        timestamp=timestamp,
    )


def sandbox_notification(gateway: Any, event_type: str, resource: dict[str, Any], **kwargs: Any) -> SignedMessage:
    """A notification signed and encrypted with the sandbox's own keys."""
    keys = gateway.keys
    return live_notification(
        event_type,
        resource,
        key=kwargs.pop("key", keys.wechatpay_key),
        serial=kwargs.pop("serial", keys.public_key_id),
        api_v3_key=kwargs.pop("api_v3_key", keys.api_v3_key),
        **kwargs,
    )


def authorization_fields(header: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'(\w+)="([^"]*)"', header))


# -- the notify endpoint -------------------------------------------------------------------------

NOTIFY = "/api/v1/payments/wechat/notify"


def notify_post(message: SignedMessage, path: str = NOTIFY) -> Any:
    """Deliver ``message`` to the notify endpoint as WeChat would: the raw body and its headers."""
    return Api().client.post(path, message.body, content_type="application/json", headers=message.headers)


def prepared_payment(order: Order) -> Any:
    return payment_prepare(order_id=order.pk, payer_openid="sandbox-alice", description="订单").payment


def success_message(gateway: Any, payment: Any, **changes: Any) -> SignedMessage:
    """The sandbox's TRANSACTION.SUCCESS notification for ``payment`` (``changes`` alter the report)."""
    return sandbox_notification(gateway, "TRANSACTION.SUCCESS", transaction_resource(payment, gateway, **changes))
