"""How a message is proved to come from WeChat Pay, and how WeChat's side signs one: the keyring of
WeChat's public keys by serial, the check of an answer or notification (signature type, timestamp
window, signature over the raw body), the opening of a notification (verify first, then decrypt),
and the five ``Wechatpay-*`` headers the sandbox puts on what it sends.

Live and sandbox share all of it, notification checking above all: only the keys differ."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import rsa

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.crypto import PayCryptoError
from fenxiao.integrations.wechat.pay.errors import NotificationError
from fenxiao.integrations.wechat.pay.types import PayNotification

ALGORITHM = "AEAD_AES_256_GCM"


@dataclass(frozen=True)
class PayKeyring:
    """The keys WeChat signs with, by the serial it names in ``Wechatpay-Serial``: the WeChat Pay
    public key under its id (``PUB_KEY_ID_...``) and/or platform certificates under their serial."""

    keys: Mapping[str, rsa.RSAPublicKey] = field(default_factory=dict)

    @staticmethod
    def normalise(serial: str) -> str:
        # Certificate serials are hex and sometimes written in lower case or with leading zeros.
        text = serial.strip()
        return text if text.upper().startswith("PUB_KEY_ID_") else (text.upper().lstrip("0") or "0")

    @classmethod
    def build(cls, entries: Mapping[str, rsa.RSAPublicKey]) -> PayKeyring:
        return cls({cls.normalise(serial): key for serial, key in entries.items()})

    def key_for(self, serial: str) -> rsa.RSAPublicKey:
        key = self.keys.get(self.normalise(serial or ""))
        if key is None:
            raise PayCryptoError("unknown Wechatpay-Serial")
        return key

    def verify(self, headers: Mapping[str, str], body: str, *, now: int | None = None) -> None:
        """Signature type and timestamp window first, then the signature, with the key the message
        names. WeChat sends ``Wechatpay-Signature-Type`` on answers and notifications alike (the
        widely used wechatpayv3 SDK refuses both without it): a missing one is refused too."""
        lower = {k.lower(): v for k, v in headers.items()}
        pay_crypto.verify_wechat_signature(
            public_key=self.key_for(lower.get("wechatpay-serial", "")),
            timestamp=lower.get("wechatpay-timestamp", ""),
            nonce=lower.get("wechatpay-nonce", ""),
            body=body,
            signature_b64=lower.get("wechatpay-signature", ""),
            signature_type=lower.get("wechatpay-signature-type", ""),
            now=now,
        )


def open_notification(
    *, keyring: PayKeyring, api_v3_key: str, headers: Mapping[str, str], body: bytes, now: int | None = None
) -> PayNotification:
    """Prove a notification came from WeChat, then read and decrypt it. Nothing in the body is
    looked at before the signature over the raw bytes has verified."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotificationError("malformed", "body is not UTF-8") from exc
    try:
        keyring.verify(headers, text, now=now)
    except PayCryptoError as exc:
        raise NotificationError("signature", str(exc)) from exc
    try:
        envelope = json.loads(text)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("resource"), dict):
            raise TypeError("resource is not an object")
        resource = envelope["resource"]
        if resource.get("algorithm") != ALGORITHM:
            raise ValueError("unsupported algorithm")
        plaintext = pay_crypto.decrypt_resource(
            api_v3_key=api_v3_key,
            nonce=str(resource["nonce"]),
            associated_data=str(resource.get("associated_data") or ""),
            ciphertext_b64=str(resource["ciphertext"]),
        )
        decrypted = json.loads(plaintext)
        if not isinstance(decrypted, dict):
            raise TypeError("decrypted resource is not an object")
    except (ValueError, KeyError, TypeError, PayCryptoError) as exc:
        raise NotificationError("malformed", f"{exc.__class__.__name__}: {exc}") from exc
    return PayNotification(
        id=str(envelope.get("id", ""))[:64],
        event_type=str(envelope.get("event_type", ""))[:32],
        create_time=str(envelope.get("create_time", "")),
        summary=str(envelope.get("summary", "")),
        original_type=str(resource.get("original_type", "")),
        resource=decrypted,
    )


def sign_message(
    *, private_key: rsa.RSAPrivateKey, serial: str, timestamp: int, nonce: str, body: str
) -> dict[str, str]:
    """The five headers WeChat puts on an answer or a notification (used by the sandbox)."""
    return {
        "Wechatpay-Timestamp": str(timestamp),
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": pay_crypto.sign(private_key, pay_crypto.response_message(str(timestamp), nonce, body)),
        "Wechatpay-Signature-Type": pay_crypto.SIGNATURE_TYPE,
        "Wechatpay-Serial": serial,
    }
