"""The payee's real name in a live merchant transfer: sent only from the amount at which WeChat
requires it, encrypted under the key named in ``Wechatpay-Serial`` (the WeChat Pay public key, or
the newest platform certificate in certificate mode), and a large transfer without it is refused
before anything is sent."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.transfer.errors import USER_NAME_REQUIRED, TransferError
from tests.integrations.transfer_support import (
    BILLS,
    create,
    created,
    verify_request,
)
from tests.payments import support


def test_from_the_threshold_the_payee_name_travels_encrypted_under_the_named_key(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=created())

    create(amount_fen=200_000, user_name=" 张三 ")

    request = route.calls.last.request
    verify_request(request)
    sent = json.loads(request.content)["user_name"]
    assert "张三" not in sent
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    assert support.wechat_key().decrypt(base64.b64decode(sent), oaep).decode() == "张三"
    assert request.headers["Wechatpay-Serial"] == support.PUBLIC_KEY_ID


def test_below_the_threshold_the_payee_name_is_not_sent(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=created())

    create(amount_fen=199_999, user_name="张三")

    assert "user_name" not in json.loads(route.calls.last.request.content)


def test_a_large_transfer_without_the_payee_name_is_refused_before_anything_is_sent(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=created())

    with pytest.raises(TransferError) as refused:
        create(amount_fen=250_000, user_name="  ")

    assert refused.value.code == USER_NAME_REQUIRED and not refused.value.retryable
    assert refused.value.message == "转账金额较大，需提供收款人真实姓名"
    assert not route.called


def _certificate(serial: int, not_before: datetime) -> str:
    key = support.rsa_key(f"platform-{serial:X}")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=1825))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_in_certificate_mode_the_name_is_encrypted_with_the_newest_platform_certificate(
    live_transfer, settings, tmp_path
):
    (tmp_path / "old.pem").write_text(_certificate(0x1A2B, datetime(2020, 1, 1, tzinfo=UTC)))
    (tmp_path / "new.pem").write_text(_certificate(0x3C4D, datetime(2024, 1, 1, tzinfo=UTC)))
    settings.WECHATPAY_PUBLIC_KEY = ""
    settings.WECHATPAY_PUBLIC_KEY_ID = ""
    settings.WECHATPAY_PLATFORM_CERTS_DIR = str(tmp_path)
    answer = {"out_bill_no": "WD1", "transfer_bill_no": "1330", "state": "WAIT_USER_CONFIRM", "package_info": "p"}
    route = live_transfer.post(BILLS).mock(
        return_value=support.signed_answer(200, answer, key=support.rsa_key("platform-3C4D"), serial="3C4D")
    )

    bill = create(amount_fen=300_000, user_name="李四", out_bill_no="WD1")

    assert bill.state == "WAIT_USER_CONFIRM"
    request = route.calls.last.request
    assert request.headers["Wechatpay-Serial"] == "3C4D"
    sent = json.loads(request.content)["user_name"]
    assert pay_crypto.decrypt_sensitive(support.rsa_key("platform-3C4D"), sent) == "李四"
