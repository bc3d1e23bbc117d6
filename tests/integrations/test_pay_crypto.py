"""WeChat Pay API v3 cryptography against the published test vectors, and the properties the
notification handler relies on: forged, altered and stale messages never verify."""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.crypto import MerchantSigner, PayCryptoError

# The published WeChat Pay v3 test vectors (public data, test keys only), kept with the tests so they
# run in any clone.
VECTORS_FILE = Path(__file__).resolve().parent / "vectors" / "wechatpay-v3.json"


@pytest.fixture(scope="module")
def vectors() -> dict:
    if not VECTORS_FILE.exists():
        message = f"WeChat Pay test vectors not found at {VECTORS_FILE}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must prove the crypto against them, never skip it quietly
        pytest.skip(message)
    return json.loads(VECTORS_FILE.read_text())


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_signing_matches_the_published_vector(vectors):
    v = vectors["sha256_with_rsa"]
    key = pay_crypto.load_private_key(v["private_key_pem"])
    assert pay_crypto.sign(key, v["message"]) == v["expected_signature_base64"]
    public = pay_crypto.load_public_key(v["public_key_pem"])
    assert pay_crypto.verify(public, v["message"], v["expected_signature_base64"])
    assert not pay_crypto.verify(public, v["message"] + "x", v["expected_signature_base64"])


def test_decryption_matches_the_published_vector(vectors):
    v = vectors["aead_aes_256_gcm"]
    plaintext = pay_crypto.decrypt_resource(
        api_v3_key=v["key"],
        nonce=v["nonce"],
        associated_data=v["associated_data"],
        ciphertext_b64=v["ciphertext_base64"],
    )
    assert plaintext.decode() == v["plaintext"]


@pytest.mark.parametrize("change", ["key", "nonce", "associated_data", "ciphertext"])
def test_a_resource_altered_anywhere_does_not_decrypt(vectors, change):
    v = dict(vectors["aead_aes_256_gcm"])
    args = {
        "api_v3_key": v["key"],
        "nonce": v["nonce"],
        "associated_data": v["associated_data"],
        "ciphertext_b64": v["ciphertext_base64"],
    }
    if change == "key":
        args["api_v3_key"] = "testAPIv3Key0001"
    elif change == "nonce":
        args["nonce"] = "wCq51qZv4Yfh"
    elif change == "associated_data":
        args["associated_data"] += "x"
    else:
        raw = bytearray(base64.b64decode(args["ciphertext_b64"]))
        raw[0] ^= 1
        args["ciphertext_b64"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(PayCryptoError):
        pay_crypto.decrypt_resource(**args)


def test_authorization_header_has_the_v3_shape_and_verifies(vectors):
    v = vectors["sha256_with_rsa"]
    signer = MerchantSigner(
        mchid=v["mchid"],
        serial_no=v["certificate_serial"],
        private_key=pay_crypto.load_private_key(v["private_key_pem"]),
    )
    body = '{"appid":"wx1","out_trade_no":"FX1"}'
    header = signer.authorization("post", "/v3/pay/transactions/jsapi", body, timestamp=1554208460, nonce="n0nce")
    assert header.startswith("WECHATPAY2-SHA256-RSA2048 ")
    fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
    assert fields["mchid"] == v["mchid"] and fields["serial_no"] == v["certificate_serial"]
    assert (fields["timestamp"], fields["nonce_str"]) == ("1554208460", "n0nce")
    message = "POST\n/v3/pay/transactions/jsapi\n1554208460\nn0nce\n" + body + "\n"
    assert pay_crypto.verify(pay_crypto.load_public_key(v["public_key_pem"]), message, fields["signature"])


def test_jsapi_pay_sign_covers_appid_time_nonce_and_package(vectors):
    v = vectors["sha256_with_rsa"]
    signer = MerchantSigner(
        mchid=v["mchid"],
        serial_no=v["certificate_serial"],
        private_key=pay_crypto.load_private_key(v["private_key_pem"]),
    )
    params = signer.jsapi_pay_sign("wxapp", "wx2017", timestamp=1700000000, nonce="abc")
    assert params["package"] == "prepay_id=wx2017" and params["signType"] == "RSA"
    assert pay_crypto.verify(
        pay_crypto.load_public_key(v["public_key_pem"]), "wxapp\n1700000000\nabc\nprepay_id=wx2017\n", params["paySign"]
    )


def _signed_notification(key: rsa.RSAPrivateKey, body: str, timestamp: int) -> dict:
    message = pay_crypto.response_message(str(timestamp), "nonce-1", body)
    return {
        "timestamp": str(timestamp),
        "nonce": "nonce-1",
        "body": body,
        "signature_b64": pay_crypto.sign(key, message),
    }


def test_a_fresh_genuine_notification_verifies(vectors):
    v = vectors["sha256_with_rsa"]
    key = pay_crypto.load_private_key(v["private_key_pem"])
    note = _signed_notification(key, '{"id":"EV-1"}', 1_700_000_000)
    pay_crypto.verify_wechat_signature(public_key=key.public_key(), now=1_700_000_100, **note)


@pytest.mark.parametrize("skew", [301, -301, 86_400])
def test_a_stale_or_future_notification_is_refused_even_when_signed(vectors, skew):
    key = pay_crypto.load_private_key(vectors["sha256_with_rsa"]["private_key_pem"])
    note = _signed_notification(key, '{"id":"EV-1"}', 1_700_000_000)
    with pytest.raises(PayCryptoError, match="timestamp"):
        pay_crypto.verify_wechat_signature(public_key=key.public_key(), now=1_700_000_000 + skew, **note)


def test_a_notification_signed_by_someone_else_is_refused(vectors, other_key):
    genuine = pay_crypto.load_public_key(vectors["sha256_with_rsa"]["public_key_pem"])
    forged = _signed_notification(other_key, '{"id":"EV-1"}', 1_700_000_000)
    with pytest.raises(PayCryptoError, match="signature"):
        pay_crypto.verify_wechat_signature(public_key=genuine, now=1_700_000_000, **forged)


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=200), st.text(min_size=1, max_size=20))
def test_any_change_to_a_signed_body_breaks_the_signature(vectors, body, suffix):
    key = pay_crypto.load_private_key(vectors["sha256_with_rsa"]["private_key_pem"])
    note = _signed_notification(key, body, 1_700_000_000)
    note["body"] = body + suffix
    with pytest.raises(PayCryptoError):
        pay_crypto.verify_wechat_signature(public_key=key.public_key(), now=1_700_000_000, **note)


@given(st.binary(max_size=500), st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=12))
def test_encrypt_then_decrypt_round_trips(plaintext, nonce):
    key = "0123456789abcdef0123456789abcdef"  # 32 bytes, like a real APIv3 key
    sealed = pay_crypto.encrypt_resource(
        api_v3_key=key, nonce=nonce, associated_data="transaction", plaintext=plaintext
    )
    assert (
        pay_crypto.decrypt_resource(api_v3_key=key, nonce=nonce, associated_data="transaction", ciphertext_b64=sealed)
        == plaintext
    )
