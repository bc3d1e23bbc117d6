"""The cryptography of WeChat Pay API v3, on ``cryptography``: request signing (SHA256-RSA2048,
the ``WECHATPAY2-SHA256-RSA2048`` Authorization header), signature verification of WeChat's
answers and notifications (with the WeChat Pay public key or a platform certificate), and
AEAD_AES_256_GCM decryption of notification resources.

Pure functions with no Django: the payment gateway (commerce issue) builds on them, and they are
checked against the published test vectors in ``tests/integrations/vectors/wechatpay-v3.json``."""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
# WeChat names the algorithm of its own signatures in ``Wechatpay-Signature-Type``; the only one
# these keys can check is SHA256-with-RSA (an SM2 merchant's ``WECHATPAY2-SM2-WITH-SM3`` is not).
SIGNATURE_TYPE = AUTH_SCHEMA
# WeChat's probe notifications carry a signature starting with this, to see whether a merchant
# really verifies: they must be refused like any signature that does not verify.
SIGNATURE_PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
# Notifications and answers older or newer than this are refused: a replayed message is stale.
TIMESTAMP_TOLERANCE_SECONDS = 300


class PayCryptoError(Exception):
    """A signature that does not verify, a stale timestamp, or a resource that does not decrypt."""


def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PayCryptoError("merchant key is not an RSA private key")
    return key


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    """A WeChat Pay public key (``-----BEGIN PUBLIC KEY-----``) or a platform certificate."""
    data = pem.encode() if isinstance(pem, str) else pem
    if b"BEGIN CERTIFICATE" in data:
        from cryptography import x509

        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise PayCryptoError("WeChat Pay key is not an RSA public key")
    return key


def sign(private_key: rsa.RSAPrivateKey, message: str) -> str:
    """Base64 of SHA256-with-RSA (PKCS#1 v1.5) over ``message``."""
    signature = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verify(public_key: rsa.RSAPublicKey, message: str, signature_b64: str) -> bool:
    try:
        public_key.verify(
            base64.b64decode(signature_b64, validate=True), message.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def request_message(method: str, path_with_query: str, timestamp: int, nonce: str, body: str) -> str:
    """What a merchant request signs: method, URL path with query, timestamp, nonce and body,
    each followed by a newline (an empty body for GET still ends with its newline)."""
    return f"{method.upper()}\n{path_with_query}\n{timestamp}\n{nonce}\n{body}\n"


def response_message(timestamp: str, nonce: str, body: str) -> str:
    """What WeChat signs in answers and notifications: ``timestamp\\nnonce\\nbody\\n``."""
    return f"{timestamp}\n{nonce}\n{body}\n"


@dataclass(frozen=True)
class MerchantSigner:
    mchid: str
    serial_no: str
    private_key: rsa.RSAPrivateKey

    def authorization(
        self, method: str, path_with_query: str, body: str, *, timestamp: int | None = None, nonce: str | None = None
    ) -> str:
        """The ``Authorization`` header value for one API call."""
        ts = int(time.time()) if timestamp is None else timestamp
        nonce_str = nonce or secrets.token_hex(16)
        signature = sign(self.private_key, request_message(method, path_with_query, ts, nonce_str, body))
        return (
            f'{AUTH_SCHEMA} mchid="{self.mchid}",nonce_str="{nonce_str}",signature="{signature}",'
            f'timestamp="{ts}",serial_no="{self.serial_no}"'
        )

    def jsapi_pay_sign(
        self, appid: str, prepay_id: str, *, timestamp: int | None = None, nonce: str | None = None
    ) -> dict[str, str]:
        """The parameters for ``wx.requestPayment``; ``paySign`` covers appid, time, nonce, package."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce_str = nonce or secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        pay_sign = sign(self.private_key, f"{appid}\n{ts}\n{nonce_str}\n{package}\n")
        return {
            "appId": appid,
            "timeStamp": ts,
            "nonceStr": nonce_str,
            "package": package,
            "signType": "RSA",
            "paySign": pay_sign,
        }


def verify_wechat_signature(
    *,
    public_key: rsa.RSAPublicKey,
    timestamp: str,
    nonce: str,
    body: str,
    signature_b64: str,
    signature_type: str = SIGNATURE_TYPE,
    now: int | None = None,
) -> None:
    """Check a notification or answer before anything else is done with it: a signature type these
    keys can check, the timestamp within ±5 minutes (a replay is stale), then the signature. A
    signature probe never verifies, whatever it carries. Raises ``PayCryptoError`` on any of them."""
    if signature_type != SIGNATURE_TYPE:
        raise PayCryptoError("unsupported Wechatpay-Signature-Type")
    if signature_b64.startswith(SIGNATURE_PROBE_PREFIX):
        raise PayCryptoError("signature probe (WECHATPAY/SIGNTEST/)")
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise PayCryptoError("timestamp is not a number") from exc
    current = int(time.time()) if now is None else now
    if abs(current - sent_at) > TIMESTAMP_TOLERANCE_SECONDS:
        raise PayCryptoError("timestamp outside the allowed window")
    if not verify(public_key, response_message(timestamp, nonce, body), signature_b64):
        raise PayCryptoError("signature does not verify")


def decrypt_resource(*, api_v3_key: str | bytes, nonce: str, associated_data: str, ciphertext_b64: str) -> bytes:
    """AEAD_AES_256_GCM decryption of a notification's ``resource`` with the merchant's APIv3 key."""
    key = api_v3_key.encode() if isinstance(api_v3_key, str) else api_v3_key
    try:
        return AESGCM(key).decrypt(
            nonce.encode(),
            base64.b64decode(ciphertext_b64, validate=True),
            associated_data.encode() if associated_data else None,
        )
    except (InvalidTag, ValueError) as exc:
        raise PayCryptoError("resource does not decrypt with the APIv3 key") from exc


def encrypt_resource(*, api_v3_key: str | bytes, nonce: str, associated_data: str, plaintext: bytes) -> str:
    """The inverse, used by the sandbox to build notifications exactly as WeChat does."""
    key = api_v3_key.encode() if isinstance(api_v3_key, str) else api_v3_key
    sealed = AESGCM(key).encrypt(nonce.encode(), plaintext, associated_data.encode() if associated_data else None)
    return base64.b64encode(sealed).decode()


def encrypt_sensitive(public_key: rsa.RSAPublicKey, plaintext: str) -> str:
    """A sensitive request field (a payee's real name) as WeChat wants it: RSAES-OAEP with SHA-1
    and MGF1, under the WeChat Pay public key or platform certificate named in ``Wechatpay-Serial``."""
    sealed = public_key.encrypt(
        plaintext.encode(), padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    )
    return base64.b64encode(sealed).decode()


def decrypt_sensitive(private_key: rsa.RSAPrivateKey, ciphertext_b64: str) -> str:
    """The inverse, as WeChat's side does it (used by the sandbox, which holds "WeChat's" key)."""
    try:
        plaintext = private_key.decrypt(
            base64.b64decode(ciphertext_b64, validate=True),
            padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None),
        )
        return plaintext.decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise PayCryptoError("sensitive field does not decrypt with this key") from exc
