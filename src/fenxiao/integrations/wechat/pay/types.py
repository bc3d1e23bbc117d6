"""The WeChat Pay v3 gateway as the mall sees it: what a prepay, a transaction, a refund and a
notification look like, and the protocol (``WechatPayGateway``) that the live client and the
offline sandbox both provide. Nothing here knows about orders; callers hand in numbers and
strings, and nothing here chooses an implementation (``factory.pay_gateway`` does)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


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
