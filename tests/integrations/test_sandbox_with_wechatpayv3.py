"""The sandbox claims to send notifications exactly as WeChat does. A widely used third-party SDK
(wechatpayv3), which knows nothing of this project, is the judge: it must accept what the sandbox
sends for payments, refunds and merchant transfers, decrypt it to the same resource, and refuse a
notification changed in transit. If the sandbox drifts from WeChat's format, these fail."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from wechatpayv3 import WeChatPay, WeChatPayType

from fenxiao.integrations.wechat.pay import sandbox as pay_sandbox
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.sandbox import SandboxWechatPay
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.integrations.wechat.transfer import sandbox as transfer_sandbox
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway, transfer_gateway
from fenxiao.integrations.wechat.transfer.sandbox_controls import sandbox_transfer_confirm


def _sdk(gateway: SandboxWechatPay) -> WeChatPay:
    """The SDK set up as a merchant would for public-key mode, with the sandbox's keys."""
    keys = gateway.keys
    private = keys.merchant_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = keys.wechatpay_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG,
        mchid=gateway.mchid,
        private_key=private.decode(),
        cert_serial_no=keys.merchant_serial,
        appid=gateway.appid,
        apiv3_key=keys.api_v3_key,
        public_key=public.decode(),
        public_key_id=keys.public_key_id,
    )


@pytest.fixture
def gateway() -> SandboxWechatPay:
    built = pay_gateway()
    assert isinstance(built, SandboxWechatPay)
    return built


@pytest.fixture
def delivered():
    """What the sandbox posts on its own (refund and transfer results), instead of the app's handlers."""
    messages: list[SignedMessage] = []
    saved_pay, saved_transfer = pay_sandbox._sink, transfer_sandbox._sink
    pay_sandbox.set_notification_sink(messages.append)
    transfer_sandbox.set_transfer_notification_sink(messages.append)
    reset_transfer_gateway()
    yield messages
    pay_sandbox.set_notification_sink(saved_pay)
    transfer_sandbox.set_transfer_notification_sink(saved_transfer)
    reset_transfer_gateway()


def _paid(gateway: SandboxWechatPay, out_trade_no: str = "FX202501010001") -> SignedMessage:
    gateway.prepay_jsapi(
        out_trade_no=out_trade_no,
        description="测试商品",
        amount_fen=1_990,
        payer_openid="o-sandbox-alice",
        time_expire=timezone.now() + timedelta(minutes=30),
    )
    return gateway.complete_payment(out_trade_no)


def _callback(sdk: WeChatPay, message: SignedMessage) -> dict | None:
    return sdk.callback(message.headers, message.body.decode())


def test_the_sdk_accepts_a_sandbox_payment_notification(gateway):
    message = _paid(gateway)

    note = _callback(_sdk(gateway), message)

    assert note is not None and note["event_type"] == "TRANSACTION.SUCCESS"
    resource = note["resource"]
    assert (resource["out_trade_no"], resource["trade_state"], resource["amount"]["total"]) == (
        "FX202501010001",
        "SUCCESS",
        1_990,
    )
    assert resource == gateway.open_notification(headers=message.headers, body=message.body).resource


def test_the_sdk_accepts_a_sandbox_refund_notification(db, gateway, delivered, django_capture_on_commit_callbacks):
    _paid(gateway)
    with django_capture_on_commit_callbacks(execute=True):
        gateway.create_refund(
            out_trade_no="FX202501010001", out_refund_no="RF1", reason="退款", refund_fen=990, total_fen=1_990
        )

    (message,) = delivered
    note = _callback(_sdk(gateway), message)

    assert note is not None and note["event_type"] == "REFUND.SUCCESS"
    assert (note["resource"]["out_refund_no"], note["resource"]["amount"]["refund"]) == ("RF1", 990)


def test_the_sdk_accepts_a_sandbox_transfer_notification(db, gateway, delivered, django_capture_on_commit_callbacks):
    transfer_gateway().create_transfer_bill(out_bill_no="WD1", openid="o-payee", amount_fen=8_800, remark="佣金提现")
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_transfer_confirm("WD1")

    (message,) = delivered
    note = _callback(_sdk(gateway), message)

    assert note is not None and note["event_type"] == "MCHTRANSFER.BILL.FINISHED"
    assert (note["resource"]["out_bill_no"], note["resource"]["state"]) == ("WD1", "SUCCESS")


def test_the_sdk_refuses_a_sandbox_notification_changed_in_transit(gateway):
    message = _paid(gateway)
    envelope = json.loads(message.body)
    envelope["summary"] = "支付失败"
    tampered = SignedMessage(headers=message.headers, body=json.dumps(envelope, ensure_ascii=False).encode())

    assert _callback(_sdk(gateway), tampered) is None


def test_the_sdk_refuses_a_sandbox_notification_without_its_signature_type(gateway):
    message = _paid(gateway)
    headers = {k: v for k, v in message.headers.items() if k != "Wechatpay-Signature-Type"}

    with pytest.raises(Exception, match="does not support this algorithm"):
        _callback(_sdk(gateway), SignedMessage(headers=headers, body=message.body))
