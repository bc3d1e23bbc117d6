"""The WeChat Pay v3 gateway as the mall sees it: what a prepay, a transaction and a refund look
like, the errors a call can end in, how a notification (or an answer) is proved to come from
WeChat, and ``pay_gateway()`` choosing the live client or the offline sandbox by ``WECHAT_MODE``.

Live and sandbox share everything here, notification checking above all: only the keys differ.
Nothing in this module knows about orders; callers hand in numbers and strings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from fenxiao.core.errors import UpstreamError
from fenxiao.integrations.wechat import pay_crypto
from fenxiao.integrations.wechat.pay_crypto import PayCryptoError

T = TypeVar("T")

ALGORITHM = "AEAD_AES_256_GCM"

# Our stable codes, with what a shopper or operator reads. WeChat's own code and message stay on
# the exception for logs and the admin.
NETWORK = "WECHATPAY_NETWORK"
UNAVAILABLE = "WECHATPAY_UNAVAILABLE"
REJECTED = "WECHATPAY_REJECTED"
ORDERPAID = "WECHATPAY_ORDERPAID"
NOT_FOUND = "WECHATPAY_NOT_FOUND"
BAD_SIGNATURE = "WECHATPAY_BAD_SIGNATURE"
BAD_ANSWER = "WECHATPAY_BAD_ANSWER"

MESSAGES = {
    NETWORK: "微信支付连接失败，请稍后再试",
    UNAVAILABLE: "微信支付繁忙，请稍后再试",
    REJECTED: "微信支付拒绝了请求",
    ORDERPAID: "该订单已支付",
    NOT_FOUND: "微信支付中不存在该单据",
    BAD_SIGNATURE: "微信支付应答签名校验失败",
    BAD_ANSWER: "微信支付应答格式不正确",
}
# WeChat codes after which the same request, sent again later, may well succeed.
RETRYABLE_WECHAT_CODES = frozenset({"SYSTEM_ERROR", "FREQUENCY_LIMITED", "NOT_ENOUGH", "SYSTEMERROR"})


class WechatPayError(UpstreamError):
    """A call that did not give a trustworthy, successful answer. ``retryable`` says whether
    sending the same request again (same out_trade_no / out_refund_no) is worth it."""

    def __init__(self, code: str, *, wechat_code: str = "", wechat_message: str = "", http_status: int = 0):
        message = MESSAGES.get(code, "微信支付请求失败")
        if code == REJECTED and wechat_message:
            message = f"{message}：{wechat_message}"[:120]
        super().__init__(code, message)
        self.wechat_code = wechat_code
        self.wechat_message = wechat_message
        self.http_status = http_status

    @property
    def retryable(self) -> bool:
        if self.code in (NETWORK, UNAVAILABLE, BAD_SIGNATURE, BAD_ANSWER):
            return True
        return self.wechat_code in RETRYABLE_WECHAT_CODES

    def describe(self) -> str:
        """One line for logs and the admin: our code plus WeChat's, never a key or a header."""
        parts = [self.code]
        if self.wechat_code:
            parts.append(self.wechat_code)
        if self.wechat_message:
            parts.append(self.wechat_message)
        return ": ".join(parts)[:200]


class NotificationError(Exception):
    """A notification we must refuse. ``kind`` is ``signature`` (unknown key, bad signature,
    stale timestamp: nobody proved it came from WeChat) or ``malformed`` (signed, but unreadable)."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def parse_time(value: Any) -> datetime | None:
    """WeChat's RFC 3339 times (``2018-06-08T10:34:56+08:00``) as aware datetimes."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def format_time(value: datetime) -> str:
    """The RFC 3339 form WeChat wants for ``time_expire``, to the second, with the offset."""
    if value.tzinfo is None:
        raise ValueError("time_expire must be timezone-aware")
    return value.replace(microsecond=0).isoformat()


def _amount(data: Mapping[str, Any], key: str) -> int:
    amount = data.get("amount") or {}
    value = amount.get(key) if isinstance(amount, Mapping) else None
    if not isinstance(value, int) or isinstance(value, bool):
        return -1
    return value


@dataclass(frozen=True)
class Transaction:
    """A payment as WeChat reports it (query answer or decrypted TRANSACTION notification)."""

    appid: str
    mchid: str
    out_trade_no: str
    transaction_id: str
    trade_state: str
    amount_total: int
    payer_openid: str
    success_time: datetime | None

    @classmethod
    def from_wechat(cls, data: Mapping[str, Any]) -> Transaction:
        payer = data.get("payer") or {}
        return cls(
            appid=str(data.get("appid", "")),
            mchid=str(data.get("mchid", "")),
            out_trade_no=str(data.get("out_trade_no", "")),
            transaction_id=str(data.get("transaction_id") or ""),
            trade_state=str(data.get("trade_state", "")),
            amount_total=_amount(data, "total"),
            payer_openid=str(payer.get("openid", "")) if isinstance(payer, Mapping) else "",
            success_time=parse_time(data.get("success_time")),
        )


@dataclass(frozen=True)
class RefundState:
    """A refund as WeChat reports it. Answers call the state ``status``, notifications
    ``refund_status``; both land in ``status`` (SUCCESS, CLOSED, PROCESSING, ABNORMAL)."""

    out_refund_no: str
    refund_id: str
    out_trade_no: str
    status: str
    amount_refund: int
    amount_total: int
    mchid: str
    user_received_account: str
    success_time: datetime | None

    @classmethod
    def from_wechat(cls, data: Mapping[str, Any]) -> RefundState:
        return cls(
            out_refund_no=str(data.get("out_refund_no", "")),
            refund_id=str(data.get("refund_id") or ""),
            out_trade_no=str(data.get("out_trade_no", "")),
            status=str(data.get("status") or data.get("refund_status") or ""),
            amount_refund=_amount(data, "refund"),
            amount_total=_amount(data, "total"),
            mchid=str(data.get("mchid", "")),
            user_received_account=str(data.get("user_received_account", "")),
            success_time=parse_time(data.get("success_time")),
        )


@dataclass(frozen=True)
class PayNotification:
    """A notification that passed the signature check and decrypted."""

    id: str
    event_type: str
    create_time: str
    summary: str
    original_type: str
    resource: dict[str, Any]


@dataclass(frozen=True)
class SignedMessage:
    """Headers and raw body exactly as WeChat sends them (the sandbox builds these too)."""

    headers: dict[str, str]
    body: bytes


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


class WechatPayGateway(Protocol):
    """What the payments app may ask of WeChat Pay; ``WechatPayClient`` and ``SandboxWechatPay``
    both provide it."""

    mode: str
    mchid: str
    appid: str

    def prepay_jsapi(
        self, *, out_trade_no: str, description: str, amount_fen: int, payer_openid: str, time_expire: datetime
    ) -> str: ...

    def jsapi_params(self, prepay_id: str) -> dict[str, str]: ...

    def query_transaction(self, out_trade_no: str) -> Transaction: ...

    def close_transaction(self, out_trade_no: str) -> None: ...

    def create_refund(
        self, *, out_trade_no: str, out_refund_no: str, reason: str, refund_fen: int, total_fen: int
    ) -> RefundState: ...

    def query_refund(self, out_refund_no: str) -> RefundState: ...

    def open_notification(
        self, *, headers: Mapping[str, str], body: bytes, now: int | None = None
    ) -> PayNotification: ...


def _read_setting_or_file(value: str, path: str) -> str:
    if value:
        return value
    return Path(path).read_text() if path else ""


def live_keyring() -> PayKeyring:
    """The WeChat Pay public key (public-key mode) and every certificate in the platform
    certificate folder (certificate mode); both may be configured while WeChat migrates a merchant."""
    from django.core.exceptions import ImproperlyConfigured

    entries: dict[str, rsa.RSAPublicKey] = {}
    public_pem = _read_setting_or_file(settings.WECHATPAY_PUBLIC_KEY, settings.WECHATPAY_PUBLIC_KEY_FILE)
    if public_pem:
        if not settings.WECHATPAY_PUBLIC_KEY_ID:
            raise ImproperlyConfigured("WECHATPAY_PUBLIC_KEY needs WECHATPAY_PUBLIC_KEY_ID (PUB_KEY_ID_...).")
        entries[settings.WECHATPAY_PUBLIC_KEY_ID] = pay_crypto.load_public_key(public_pem)
    if settings.WECHATPAY_PLATFORM_CERTS_DIR:
        from cryptography import x509

        for pem_path in sorted(Path(settings.WECHATPAY_PLATFORM_CERTS_DIR).glob("*.pem")):
            data = pem_path.read_bytes()
            if b"BEGIN CERTIFICATE" not in data:
                continue
            serial = format(x509.load_pem_x509_certificate(data).serial_number, "X")
            entries[serial] = pay_crypto.load_public_key(data)
    return PayKeyring.build(entries)


class PerConfiguration(Generic[T]):
    """A client built once per process and per configuration: ``build()`` runs again only when
    ``key()`` (the settings it depends on; secrets as a digest) changes, so a rotated key takes
    effect without a restart and tests can switch modes."""

    def __init__(self, key: Callable[[], tuple[str, ...]], build: Callable[[], T]):
        self._key = key
        self._build = build
        self._value: T | None = None
        self._built_for: tuple[str, ...] | None = None

    def get(self) -> T:
        key = self._key()
        if self._value is None or self._built_for != key:
            self._value = self._build()
            self._built_for = key
        return self._value

    def reset(self) -> None:
        self._value = None
        self._built_for = None


def merchant_settings_key() -> tuple[str, ...]:
    """The merchant settings every WeChat Pay client (payments, transfers) is built from."""
    secret = "|".join([settings.WECHATPAY_PRIVATE_KEY, settings.WECHATPAY_APIV3_KEY, settings.WECHATPAY_PUBLIC_KEY])
    return (
        settings.WECHAT_MODE,
        settings.WECHATPAY_MCHID,
        settings.WECHATPAY_APPID,
        settings.WECHATPAY_SERIAL_NO,
        settings.WECHATPAY_PRIVATE_KEY_FILE,
        settings.WECHATPAY_PUBLIC_KEY_FILE,
        settings.WECHATPAY_PUBLIC_KEY_ID,
        settings.WECHATPAY_PLATFORM_CERTS_DIR,
        settings.WECHATPAY_API_BASE,
        str(getattr(settings, "WECHATPAY_SANDBOX_DIR", "")),
        str(settings.WECHAT_HTTP_TIMEOUT),
        hashlib.sha256(secret.encode()).hexdigest(),
    )


def _build_pay_gateway() -> WechatPayGateway:
    if settings.WECHAT_MODE == "live":
        from fenxiao.integrations.wechat.pay_client import WechatPayClient

        return WechatPayClient.from_settings()
    from fenxiao.integrations.wechat.pay_sandbox import SandboxWechatPay

    return SandboxWechatPay.from_settings()


_pay_gateway: PerConfiguration[WechatPayGateway] = PerConfiguration(
    lambda: (*merchant_settings_key(), settings.WECHATPAY_NOTIFY_URL, settings.WECHATPAY_REFUND_NOTIFY_URL),
    _build_pay_gateway,
)


def pay_gateway() -> WechatPayGateway:
    """The gateway for the configured mode, built once per process and per configuration."""
    return _pay_gateway.get()


def reset_pay_gateway() -> None:
    """Forget the cached gateway (tests switch modes and key folders)."""
    _pay_gateway.reset()
