"""Live mode checks notifications with WeChat's real keys: the WeChat Pay public key (public-key
mode) or the platform certificate the message names by serial (certificate mode); a message the
sandbox signed is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from tests.payments import support
from tests.payments.support import notify_post, prepared_payment


def _live_payment(live_pay, order, **signing):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx1"}, **signing)
    )
    return prepared_payment(order)


@pytest.mark.django_db
def test_live_public_key_mode(live_pay, order, hook_calls):
    payment = _live_payment(live_pay, order)

    response = notify_post(support.live_notification("TRANSACTION.SUCCESS", support.transaction_resource(payment)))

    assert response.status_code == 200 and hook_calls.payments == [payment.pk]


def _certificate(key, serial: int) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    now = datetime.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(Encoding.PEM)


@pytest.mark.django_db
def test_live_certificate_mode_chooses_the_certificate_by_serial(live_pay, order, hook_calls, tmp_path):
    certs = tmp_path / "certs"
    certs.mkdir()
    old_key, new_key = support.rsa_key("platform-old"), support.rsa_key("platform-new")
    (certs / "old.pem").write_bytes(_certificate(old_key, 0x1A2B))
    (certs / "new.pem").write_bytes(_certificate(new_key, 0x5157F09EFDC096DE15EBE81A47057A7232F1B8E1))
    live_pay.settings.WECHATPAY_PUBLIC_KEY = ""
    live_pay.settings.WECHATPAY_PUBLIC_KEY_ID = ""
    live_pay.settings.WECHATPAY_PLATFORM_CERTS_DIR = str(certs)
    payment = _live_payment(live_pay, order, key=new_key, serial="5157F09EFDC096DE15EBE81A47057A7232F1B8E1")
    resource = support.transaction_resource(payment)

    wrong_cert = support.live_notification(
        "TRANSACTION.SUCCESS", resource, key=old_key, serial="5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    )
    unknown = support.live_notification("TRANSACTION.SUCCESS", resource, key=new_key, serial="DEADBEEF")
    genuine = support.live_notification(
        "TRANSACTION.SUCCESS", resource, key=new_key, serial="5157f09efdc096de15ebe81a47057a7232f1b8e1"
    )

    assert notify_post(wrong_cert).status_code == 401
    assert notify_post(unknown).status_code == 401
    assert notify_post(genuine).status_code == 200
    assert hook_calls.payments == [payment.pk]


@pytest.mark.django_db
def test_a_sandbox_signed_notification_is_refused_in_live_mode(live_pay, order, hook_calls, sandbox_dir):
    from fenxiao.integrations.wechat.pay.sandbox_keys import SandboxKeys

    payment = _live_payment(live_pay, order)
    keys = SandboxKeys.load_or_create(sandbox_dir)
    message = support.live_notification(
        "TRANSACTION.SUCCESS",
        support.transaction_resource(payment),
        key=keys.wechatpay_key,
        serial=keys.public_key_id,
        api_v3_key=keys.api_v3_key,
    )

    assert notify_post(message).status_code == 401
    assert hook_calls.payments == []
