"""The live merchant-transfer client: the WeChat Pay client (``wechat.pay.client.WechatPayClient``) with
its signed requests and verified answers, plus the three transfer-bill calls.

The payee's real name is the one sensitive field: it is sent only from the amount at which WeChat
requires it (``WECHATPAY_TRANSFER_USER_NAME_MIN_FEN``), RSA-OAEP-encrypted with the WeChat Pay
public key (public-key mode) or the newest platform certificate, whose id goes in
``Wechatpay-Serial``. Below that amount it is not sent at all: the less personal data travels,
the better. Names never reach a log line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fenxiao.core.errors import Conflict
from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.client import WechatPayClient, live_merchant_credentials
from fenxiao.integrations.wechat.pay.errors import BAD_ANSWER, NotificationError, WechatPayError
from fenxiao.integrations.wechat.pay.signatures import PayKeyring, open_notification
from fenxiao.integrations.wechat.transfer.config import missing_transfer_settings, scene_report_infos_from_settings
from fenxiao.integrations.wechat.transfer.errors import USER_NAME_REQUIRED, TransferError
from fenxiao.integrations.wechat.transfer.types import (
    EVENT_BILL_FINISHED,
    TransferBill,
    TransferNotification,
    TransferState,
)

BILLS_PATH = "/v3/fund-app/mch-transfer/transfer-bills"
# WeChat: only digits and letters, at most 32 characters, unique within the merchant.
OUT_BILL_NO = re.compile(r"^[A-Za-z0-9]{1,32}$")
REMARK_MAX_CHARS = 32

EncryptionKey = tuple[str, rsa.RSAPublicKey]


def _bill_path(out_bill_no: str) -> str:
    return f"{BILLS_PATH}/out-bill-no/{quote(out_bill_no, safe='')}"


def check_transfer_request(*, out_bill_no: str, openid: str, amount_fen: int, remark: str) -> None:
    """Programming errors, refused before anything is sent."""
    if not OUT_BILL_NO.fullmatch(out_bill_no or ""):
        raise ValueError("out_bill_no must be 1-32 letters or digits")
    if not openid:
        raise ValueError("openid is required")
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen < 1:
        raise ValueError("amount_fen must be a positive integer number of fen")
    if not remark or len(remark) > REMARK_MAX_CHARS:
        raise ValueError(f"remark must be 1-{REMARK_MAX_CHARS} characters (the payee reads it)")


def open_transfer_message(
    *,
    keyring: PayKeyring,
    api_v3_key: str,
    mchid: str,
    headers: Mapping[str, str],
    body: str | bytes,
    now: int | None = None,
) -> TransferNotification:
    """Prove a transfer notification came from WeChat (timestamp within ±5 minutes, signature over
    the raw body), then decrypt it, then check it is a transfer result for our merchant."""
    raw = body.encode() if isinstance(body, str) else body
    note = open_notification(keyring=keyring, api_v3_key=api_v3_key, headers=headers, body=raw, now=now)
    if note.event_type != EVENT_BILL_FINISHED:
        raise NotificationError("malformed", f"unexpected event_type {note.event_type!r}")
    bill = TransferBill.from_wechat(note.resource)
    if not bill.out_bill_no or bill.state not in TransferState.ALL:
        raise NotificationError("malformed", "resource is not a transfer bill")
    if bill.mchid and bill.mchid != mchid:
        raise NotificationError("malformed", "notification is for another merchant")
    return TransferNotification(
        id=note.id,
        event_type=note.event_type,
        create_time=note.create_time,
        summary=note.summary,
        bill=bill,
        resource=note.resource,
    )


def _missing_live_settings() -> list[str]:
    missing = [
        name
        for name in ("WECHATPAY_MCHID", "WECHATPAY_APPID", "WECHATPAY_SERIAL_NO", "WECHATPAY_APIV3_KEY")
        if not getattr(settings, name)
    ]
    if not (settings.WECHATPAY_PRIVATE_KEY or settings.WECHATPAY_PRIVATE_KEY_FILE):
        missing.append("WECHATPAY_PRIVATE_KEY(_FILE)")
    public_key = settings.WECHATPAY_PUBLIC_KEY or settings.WECHATPAY_PUBLIC_KEY_FILE
    if public_key and not settings.WECHATPAY_PUBLIC_KEY_ID:
        missing.append("WECHATPAY_PUBLIC_KEY_ID")
    if not (public_key or settings.WECHATPAY_PLATFORM_CERTS_DIR):
        missing.append("WECHATPAY_PUBLIC_KEY(_FILE) or WECHATPAY_PLATFORM_CERTS_DIR")
    return missing


def live_encryption_key() -> EncryptionKey:
    """The key WeChat decrypts sensitive fields with: the WeChat Pay public key when configured,
    else the platform certificate issued last."""
    public_pem = settings.WECHATPAY_PUBLIC_KEY or (
        Path(settings.WECHATPAY_PUBLIC_KEY_FILE).read_text() if settings.WECHATPAY_PUBLIC_KEY_FILE else ""
    )
    if public_pem:
        return settings.WECHATPAY_PUBLIC_KEY_ID, pay_crypto.load_public_key(public_pem)
    from cryptography import x509

    certificates = [
        x509.load_pem_x509_certificate(data)
        for data in (path.read_bytes() for path in sorted(Path(settings.WECHATPAY_PLATFORM_CERTS_DIR).glob("*.pem")))
        if b"BEGIN CERTIFICATE" in data
    ]
    if not certificates:
        raise ImproperlyConfigured("WECHATPAY_PLATFORM_CERTS_DIR holds no platform certificate.")
    newest = max(certificates, key=lambda cert: cert.not_valid_before_utc)
    key = newest.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise ImproperlyConfigured("The WeChat Pay platform certificate does not hold an RSA key.")
    return format(newest.serial_number, "X"), key


class WechatTransferClient(WechatPayClient):
    """``WechatTransferGateway`` against api.mch.weixin.qq.com (or a transport in tests)."""

    mode = "live"

    def __init__(
        self,
        *,
        transfer_notify_url: str,
        scene_id: str,
        scene_report_infos: list[dict[str, str]],
        user_recv_perception: str = "",
        user_name_min_fen: int = 200_000,
        encryption_key: EncryptionKey,
        **pay_client_kwargs: Any,
    ):
        super().__init__(**pay_client_kwargs)
        self.transfer_notify_url = transfer_notify_url
        self.scene_id = scene_id
        self.scene_report_infos = scene_report_infos
        self.user_recv_perception = user_recv_perception
        self.user_name_min_fen = user_name_min_fen
        self._encryption_key = encryption_key

    @classmethod
    def from_settings(cls, *, transport: httpx.BaseTransport | None = None) -> WechatTransferClient:  # type: ignore[override]
        missing = _missing_live_settings()
        if missing:
            raise ImproperlyConfigured(f"WeChat merchant transfer (WECHAT_MODE=live) needs {', '.join(missing)}.")
        return cls(
            transfer_notify_url=settings.WECHATPAY_TRANSFER_NOTIFY_URL,
            scene_id=settings.WECHATPAY_TRANSFER_SCENE_ID,
            scene_report_infos=scene_report_infos_from_settings(),
            user_recv_perception=settings.WECHATPAY_TRANSFER_USER_RECV_PERCEPTION,
            user_name_min_fen=settings.WECHATPAY_TRANSFER_USER_NAME_MIN_FEN,
            encryption_key=live_encryption_key(),
            **live_merchant_credentials(),
            transport=transport,
        )

    def _check_ready_to_transfer(self) -> None:
        missing = missing_transfer_settings(
            notify_url=self.transfer_notify_url, scene_id=self.scene_id, scene_report_infos=self.scene_report_infos
        )
        if missing:
            raise ImproperlyConfigured(f"WeChat merchant transfer cannot start: set {', '.join(missing)}.")

    # -- transport -------------------------------------------------------------------------------

    def _transfer_call(self, method: str, path: str, **kwargs: Any) -> dict:
        """``_call`` with every failure as a ``TransferError`` (whose ``retryable`` means unclear)."""
        try:
            return self._call(method, path, **kwargs)
        except WechatPayError as exc:
            raise TransferError.wrap(exc) from exc

    @staticmethod
    def _bill(data: Mapping[str, Any], out_bill_no: str, *, amount_fen: int = -1) -> TransferBill:
        bill = TransferBill.from_wechat(data, amount_fen=amount_fen)
        # A signed answer about another bill, or in a state we do not know, is not an answer.
        if bill.out_bill_no != out_bill_no or bill.state not in TransferState.ALL:
            raise TransferError(BAD_ANSWER)
        return bill

    # -- transfer bills --------------------------------------------------------------------------

    def create_transfer_bill(
        self, *, out_bill_no: str, openid: str, amount_fen: int, remark: str, user_name: str | None = None
    ) -> TransferBill:
        """Ask WeChat for a bill the payee confirms in the mini-program (WAIT_USER_CONFIRM with
        package_info). Sending the same out_bill_no with the same fields again answers the same
        bill, package_info included; it never pays twice."""
        self._check_ready_to_transfer()
        check_transfer_request(out_bill_no=out_bill_no, openid=openid, amount_fen=amount_fen, remark=remark)
        payload: dict[str, Any] = {
            "appid": self.appid,
            "out_bill_no": out_bill_no,
            "transfer_scene_id": self.scene_id,
            "openid": openid,
            "transfer_amount": amount_fen,
            "transfer_remark": remark,
            "notify_url": self.transfer_notify_url,
            "transfer_scene_report_infos": self.scene_report_infos,
        }
        if self.user_recv_perception:
            payload["user_recv_perception"] = self.user_recv_perception
        extra_headers: dict[str, str] = {}
        if amount_fen >= self.user_name_min_fen:
            name = (user_name or "").strip()
            if not name:
                raise TransferError(USER_NAME_REQUIRED)
            serial, key = self._encryption_key
            payload["user_name"] = pay_crypto.encrypt_sensitive(key, name)
            extra_headers["Wechatpay-Serial"] = serial
        data = self._transfer_call("POST", BILLS_PATH, payload=payload, extra_headers=extra_headers)
        return self._bill(data, out_bill_no, amount_fen=amount_fen)

    def query_transfer_bill(self, out_bill_no: str) -> TransferBill:
        """The bill as WeChat has it now; ``TransferNotFound`` when WeChat has none (WeChat keeps
        bills queryable for 30 days)."""
        if not OUT_BILL_NO.fullmatch(out_bill_no or ""):
            raise ValueError("out_bill_no must be 1-32 letters or digits")
        return self._bill(self._transfer_call("GET", _bill_path(out_bill_no)), out_bill_no)

    def cancel_transfer_bill(self, out_bill_no: str) -> TransferBill:
        """Withdraw the offer before the payee confirms. The answer is CANCELING (or CANCELLED);
        the result is final only when a query or the notification says CANCELLED."""
        if not OUT_BILL_NO.fullmatch(out_bill_no or ""):
            raise ValueError("out_bill_no must be 1-32 letters or digits")
        return self._bill(self._transfer_call("POST", f"{_bill_path(out_bill_no)}/cancel"), out_bill_no)

    # -- notifications and the mini-program ------------------------------------------------------

    def open_transfer_notification(
        self, headers: Mapping[str, str], body: str | bytes, *, now: int | None = None
    ) -> TransferNotification:
        return open_transfer_message(
            keyring=self._keyring, api_v3_key=self._api_v3_key, mchid=self.mchid, headers=headers, body=body, now=now
        )

    def transfer_client_params(self, bill: TransferBill) -> dict[str, str]:
        """What the mini-program passes to ``wx.requestMerchantTransfer``."""
        if not bill.confirmable:
            raise Conflict("TRANSFER_NOT_CONFIRMABLE", "该转账单当前无法确认收款")
        return {"mchId": self.mchid, "appId": self.appid, "package": bill.package_info}
