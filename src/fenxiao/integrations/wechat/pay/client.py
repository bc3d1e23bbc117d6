"""The live WeChat Pay API v3 client on httpx: JSAPI prepay, query and close a transaction,
create and query a refund.

Every request is signed (``WECHATPAY2-SHA256-RSA2048``) over the exact path and body that go on
the wire; every successful answer is verified against WeChat's key before a field of it is
believed. Error answers are not trusted for anything but their code: the callers act on them only
by asking again (a close answered ORDERPAID is followed by a verified query). Keys never reach a
log line: we log the method, the path and WeChat's code."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.crypto import MerchantSigner, PayCryptoError
from fenxiao.integrations.wechat.pay.errors import (
    BAD_ANSWER,
    BAD_SIGNATURE,
    NETWORK,
    NOT_FOUND,
    ORDERPAID,
    REJECTED,
    UNAVAILABLE,
    WechatPayError,
)
from fenxiao.integrations.wechat.pay.signatures import PayKeyring, open_notification
from fenxiao.integrations.wechat.pay.types import PayNotification, RefundState, Transaction, format_time

logger = logging.getLogger(__name__)

USER_AGENT = "fenxiao-wechatpay/1.0"
NOT_FOUND_CODES = frozenset({"ORDER_NOT_EXIST", "ORDERNOTEXIST", "RESOURCE_NOT_EXISTS"})
BUSY_CODES = frozenset({"SYSTEM_ERROR", "SYSTEMERROR", "FREQUENCY_LIMITED"})


class WechatPayClient:
    mode = "live"

    def __init__(
        self,
        *,
        mchid: str,
        appid: str,
        signer: MerchantSigner,
        keyring: PayKeyring,
        api_v3_key: str,
        public_key_id: str = "",
        notify_url: str = "",
        refund_notify_url: str = "",
        base_url: str = "https://api.mch.weixin.qq.com",
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.mchid = mchid
        self.appid = appid
        self._signer = signer
        self._keyring = keyring
        self._api_v3_key = api_v3_key
        self._public_key_id = public_key_id
        self.notify_url = notify_url
        self.refund_notify_url = refund_notify_url or notify_url
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def __repr__(self) -> str:  # never print keys, even in a traceback's locals
        return f"<{type(self).__name__} mchid={self.mchid} appid={self.appid}>"

    @classmethod
    def from_settings(cls, *, transport: httpx.BaseTransport | None = None) -> WechatPayClient:
        return cls(
            **live_merchant_credentials(),
            notify_url=settings.WECHATPAY_NOTIFY_URL,
            refund_notify_url=settings.WECHATPAY_REFUND_NOTIFY_URL,
            transport=transport,
        )

    # -- transport -------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        payload: Any = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> dict:
        body = "" if payload is None else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if body:
            headers["Content-Type"] = "application/json"
        if self._public_key_id:
            headers["Wechatpay-Serial"] = self._public_key_id
        # A request carrying an encrypted field names the key it was encrypted with (transfers).
        headers.update(extra_headers or {})
        request = self._http.build_request(
            method, path, params=params, content=body.encode() if body else None, headers=headers
        )
        # Sign what httpx will actually send: the encoded path and query, byte for byte.
        request.headers["Authorization"] = self._signer.authorization(
            method, request.url.raw_path.decode("ascii"), body
        )
        try:
            response = self._http.send(request)
            text = response.content.decode("utf-8")
        except httpx.HTTPError as exc:
            logger.warning("wechatpay %s %s: transport %s", method, path, exc.__class__.__name__)
            raise WechatPayError(NETWORK) from exc
        except UnicodeDecodeError as exc:
            raise WechatPayError(BAD_ANSWER, http_status=response.status_code) from exc
        if response.is_success:
            return self._trusted(method, path, response, text)
        raise self._failure(method, path, response.status_code, text)

    def _trusted(self, method: str, path: str, response: httpx.Response, text: str) -> dict:
        try:
            self._keyring.verify(response.headers, text)
        except PayCryptoError as exc:
            logger.error("wechatpay %s %s: answer refused (%s)", method, path, exc)
            raise WechatPayError(BAD_SIGNATURE, http_status=response.status_code) from exc
        if not text:
            return {}
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise WechatPayError(BAD_ANSWER, http_status=response.status_code) from exc
        if not isinstance(data, dict):
            raise WechatPayError(BAD_ANSWER, http_status=response.status_code)
        return data

    @staticmethod
    def _failure(method: str, path: str, status: int, text: str) -> WechatPayError:
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        wechat_code = str(data.get("code", ""))[:64]
        wechat_message = str(data.get("message", ""))[:200]
        if wechat_code == "ORDERPAID":
            code = ORDERPAID
        elif status == 404 or wechat_code in NOT_FOUND_CODES:
            code = NOT_FOUND
        elif status >= 500 or status == 429 or wechat_code in BUSY_CODES:
            code = UNAVAILABLE
        else:
            code = REJECTED
        logger.warning("wechatpay %s %s: HTTP %s %s %s", method, path, status, wechat_code, wechat_message)
        return WechatPayError(code, wechat_code=wechat_code, wechat_message=wechat_message, http_status=status)

    # -- payments --------------------------------------------------------------------------------

    def prepay_jsapi(
        self, *, out_trade_no: str, description: str, amount_fen: int, payer_openid: str, time_expire: datetime
    ) -> str:
        """A prepay_id for ``wx.requestPayment``, valid two hours at WeChat."""
        data = self._call(
            "POST",
            "/v3/pay/transactions/jsapi",
            payload={
                "appid": self.appid,
                "mchid": self.mchid,
                "description": description,
                "out_trade_no": out_trade_no,
                "time_expire": format_time(time_expire),
                "notify_url": self.notify_url,
                "amount": {"total": amount_fen, "currency": "CNY"},
                "payer": {"openid": payer_openid},
            },
        )
        prepay_id = data.get("prepay_id")
        if not isinstance(prepay_id, str) or not prepay_id:
            raise WechatPayError(BAD_ANSWER)
        return prepay_id

    def jsapi_params(self, prepay_id: str) -> dict[str, str]:
        return self._signer.jsapi_pay_sign(self.appid, prepay_id)

    def query_transaction(self, out_trade_no: str) -> Transaction:
        data = self._call(
            "GET", f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}", params={"mchid": self.mchid}
        )
        return Transaction.from_wechat(data)

    def close_transaction(self, out_trade_no: str) -> None:
        self._call(
            "POST",
            f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}/close",
            payload={"mchid": self.mchid},
        )

    # -- refunds ---------------------------------------------------------------------------------

    def create_refund(
        self, *, out_trade_no: str, out_refund_no: str, reason: str, refund_fen: int, total_fen: int
    ) -> RefundState:
        """Submitting the same out_refund_no again never refunds twice: WeChat answers the first."""
        payload: dict[str, Any] = {
            "out_trade_no": out_trade_no,
            "out_refund_no": out_refund_no,
            "amount": {"refund": refund_fen, "total": total_fen, "currency": "CNY"},
        }
        if reason:
            payload["reason"] = reason
        if self.refund_notify_url:
            payload["notify_url"] = self.refund_notify_url
        return RefundState.from_wechat(self._call("POST", "/v3/refund/domestic/refunds", payload=payload))

    def query_refund(self, out_refund_no: str) -> RefundState:
        return RefundState.from_wechat(
            self._call("GET", f"/v3/refund/domestic/refunds/{quote(out_refund_no, safe='')}")
        )

    # -- notifications ---------------------------------------------------------------------------

    def open_notification(self, *, headers: Mapping[str, str], body: bytes, now: int | None = None) -> PayNotification:
        return open_notification(
            keyring=self._keyring, api_v3_key=self._api_v3_key, headers=headers, body=body, now=now
        )


def live_merchant_credentials() -> dict[str, Any]:
    """Who the live clients (payments, transfers) sign as and whom they trust, from the settings."""
    private_pem = settings.WECHATPAY_PRIVATE_KEY or Path(settings.WECHATPAY_PRIVATE_KEY_FILE).read_text()
    return {
        "mchid": settings.WECHATPAY_MCHID,
        "appid": settings.WECHATPAY_APPID,
        "signer": MerchantSigner(
            mchid=settings.WECHATPAY_MCHID,
            serial_no=settings.WECHATPAY_SERIAL_NO,
            private_key=pay_crypto.load_private_key(private_pem),
        ),
        "keyring": live_keyring(),
        "api_v3_key": settings.WECHATPAY_APIV3_KEY,
        # Public-key mode names the key in every request; certificate mode leaves it out.
        "public_key_id": settings.WECHATPAY_PUBLIC_KEY_ID
        if (settings.WECHATPAY_PUBLIC_KEY or settings.WECHATPAY_PUBLIC_KEY_FILE)
        else "",
        "base_url": settings.WECHATPAY_API_BASE,
        "timeout": settings.WECHAT_HTTP_TIMEOUT,
    }


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
