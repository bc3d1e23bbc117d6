"""WeChat Pay merchant transfer (商家转账, user-confirm mode) as the mall sees it: what a transfer
bill and its MCHTRANSFER.BILL.FINISHED notification look like, the errors a call can end in, and
``transfer_gateway()`` choosing the live client or the offline sandbox by ``WECHAT_MODE``.

A bill goes ACCEPTED → (PROCESSING) → WAIT_USER_CONFIRM, the payee confirms in the mini-program
(``wx.requestMerchantTransfer`` with ``transfer_client_params``) → TRANSFERING → SUCCESS, or ends in
FAIL, or is cancelled (CANCELING → CANCELLED) before the payee confirms. SUCCESS, FAIL and CANCELLED
are final and each is announced by one (possibly repeated) notification.

The money rule callers must keep: a transfer whose create call did not answer clearly (timeout,
5xx, SYSTEM_ERROR, an unreadable answer: ``error.retryable``) is never submitted again under a new
out_bill_no. Query it, or send the same out_bill_no again (WeChat is idempotent on it); only a bill
that WeChat reports as FAIL or CANCELLED, or that it has never heard of, frees the payout for a new
number. Nothing here knows about withdrawals; callers hand in numbers and strings."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings

from fenxiao.integrations.wechat.pay.errors import (
    BAD_ANSWER,
    BAD_SIGNATURE,
    NETWORK,
    NOT_FOUND,
    REJECTED,
    UNAVAILABLE,
    NotificationError,
    WechatPayError,
)
from fenxiao.integrations.wechat.pay.factory import PerConfiguration, merchant_settings_key
from fenxiao.integrations.wechat.pay.signatures import PayKeyring, open_notification
from fenxiao.integrations.wechat.pay.types import parse_time

EVENT_BILL_FINISHED = "MCHTRANSFER.BILL.FINISHED"
ORIGINAL_TYPE = "mch_payment"


class TransferState:
    """The bill states WeChat reports (``state``)."""

    ACCEPTED = "ACCEPTED"  # accepted, not yet ready for the payee
    PROCESSING = "PROCESSING"  # locking the funds; stays here while the operating account is short
    WAIT_USER_CONFIRM = "WAIT_USER_CONFIRM"  # the payee may confirm with package_info
    TRANSFERING = "TRANSFERING"  # payee confirmed, result not yet known; may confirm again
    SUCCESS = "SUCCESS"
    FAIL = "FAIL"
    CANCELING = "CANCELING"
    CANCELLED = "CANCELLED"

    ALL = frozenset({ACCEPTED, PROCESSING, WAIT_USER_CONFIRM, TRANSFERING, SUCCESS, FAIL, CANCELING, CANCELLED})
    FINAL = frozenset({SUCCESS, FAIL, CANCELLED})
    # States in which the mini-program may (again) open WeChat's confirm page.
    CONFIRMABLE = frozenset({WAIT_USER_CONFIRM, TRANSFERING})


# Our own code for a refusal made before anything is sent.
USER_NAME_REQUIRED = "WECHATPAY_TRANSFER_USER_NAME_REQUIRED"
TRANSFER_MESSAGES = {
    NOT_FOUND: "微信支付中不存在该转账单",
    USER_NAME_REQUIRED: "转账金额较大，需提供收款人真实姓名",
}
# WeChat codes that are a definite "no" to this request: nothing was transferred because of it.
# (INVALID_REQUEST is also the answer to the same out_bill_no sent again with other fields, so a
# definite refusal still does not prove that no bill exists under the number: query before reuse.)
DEFINITE_REFUSALS = frozenset(
    {"PARAM_ERROR", "INVALID_REQUEST", "NOT_ENOUGH", "NO_AUTH", "NOAUTH", "SIGN_ERROR", "APPID_MCHID_NOT_MATCH"}
)


class TransferError(WechatPayError):
    """A transfer call that did not give a trustworthy, successful answer.

    ``retryable`` is True when the outcome is unclear (network failure or timeout, HTTP 5xx or
    429, SYSTEM_ERROR / FREQUENCY_LIMITED, an answer that fails its signature check or cannot be
    read, or a WeChat code we do not know): WeChat may have created the bill. Query it, or send the
    same out_bill_no again; never a new one. False is a definite refusal (NOT_ENOUGH,
    INVALID_REQUEST, PARAM_ERROR, ...) or a bill that does not exist (``TransferNotFound``)."""

    def __init__(self, code: str, *, wechat_code: str = "", wechat_message: str = "", http_status: int = 0):
        super().__init__(code, wechat_code=wechat_code, wechat_message=wechat_message, http_status=http_status)
        if code in TRANSFER_MESSAGES:
            self.message = TRANSFER_MESSAGES[code]
            self.args = (self.message,)
        if code == USER_NAME_REQUIRED:
            self.status = 400

    @property
    def retryable(self) -> bool:
        if self.code in (NETWORK, UNAVAILABLE, BAD_SIGNATURE, BAD_ANSWER):
            return True
        if self.code == REJECTED:
            return self.wechat_code not in DEFINITE_REFUSALS
        return False

    @classmethod
    def wrap(cls, error: WechatPayError) -> TransferError:
        if isinstance(error, TransferError):
            return error
        kind = TransferNotFound if error.code == NOT_FOUND else TransferError
        return kind(
            error.code,
            wechat_code=error.wechat_code,
            wechat_message=error.wechat_message,
            http_status=error.http_status,
        )


class TransferNotFound(TransferError):
    """WeChat has no bill under this out_bill_no (query NOT_FOUND). Right after a create whose
    answer was lost this can also mean "not yet recorded": query again a little later before
    treating the payout as never made."""

    def __init__(self, code: str = NOT_FOUND, **kwargs: Any):
        super().__init__(code, **kwargs)
        self.status = 404


def _int_or(value: Any, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return default


@dataclass(frozen=True)
class TransferBill:
    """A transfer bill as WeChat reports it (create, query or cancel answer, or a decrypted
    notification). ``package_info`` is only present in a create answer in WAIT_USER_CONFIRM; send
    the same create again (same out_bill_no, same fields) to get it back. ``amount_fen`` is what
    WeChat reports; a create answer does not repeat it, so it is the amount WeChat accepted the
    bill for; a cancel answer says nothing of it (-1)."""

    out_bill_no: str
    transfer_bill_no: str
    state: str
    amount_fen: int
    package_info: str = ""
    fail_reason: str = ""
    create_time: datetime | None = None
    update_time: datetime | None = None
    openid: str = ""
    mchid: str = ""

    @property
    def is_final(self) -> bool:
        return self.state in TransferState.FINAL

    @property
    def confirmable(self) -> bool:
        """The payee can be sent to WeChat's confirm page with this bill's package_info."""
        return self.state in TransferState.CONFIRMABLE and bool(self.package_info)

    @classmethod
    def from_wechat(cls, data: Mapping[str, Any], *, amount_fen: int = -1) -> TransferBill:
        return cls(
            out_bill_no=str(data.get("out_bill_no", "")),
            transfer_bill_no=str(data.get("transfer_bill_no") or ""),
            state=str(data.get("state", "")),
            amount_fen=_int_or(data.get("transfer_amount"), amount_fen),
            package_info=str(data.get("package_info") or ""),
            fail_reason=str(data.get("fail_reason") or ""),
            create_time=parse_time(data.get("create_time")),
            update_time=parse_time(data.get("update_time")),
            openid=str(data.get("openid") or ""),
            # Answers say ``mch_id``, notifications ``mchid``.
            mchid=str(data.get("mchid") or data.get("mch_id") or ""),
        )


@dataclass(frozen=True)
class TransferNotification:
    """A MCHTRANSFER.BILL.FINISHED notification that passed the signature check and decrypted."""

    id: str
    event_type: str
    create_time: str
    summary: str
    bill: TransferBill
    resource: dict[str, Any] = field(repr=False)


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


def missing_transfer_settings(*, notify_url: str, scene_id: str, scene_report_infos: Sequence[Any]) -> list[str]:
    """The WECHATPAY_TRANSFER_* settings a live transfer cannot start without."""
    missing = []
    if not notify_url.startswith("https://") or "?" in notify_url:
        missing.append("WECHATPAY_TRANSFER_NOTIFY_URL (https, no query string)")
    if not scene_id:
        missing.append("WECHATPAY_TRANSFER_SCENE_ID")
    if not scene_report_infos:
        missing.append("WECHATPAY_TRANSFER_SCENE_REPORT_INFOS")
    return missing


def transfer_settings_missing() -> list[str]:
    """What keeps WeChat payouts from starting in the configured mode (always nothing in the
    sandbox), so a caller can offer manual payout instead of failing at the last moment."""
    if settings.WECHAT_MODE != "live":
        return []
    return missing_transfer_settings(
        notify_url=settings.WECHATPAY_TRANSFER_NOTIFY_URL,
        scene_id=settings.WECHATPAY_TRANSFER_SCENE_ID,
        scene_report_infos=settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS,
    )


def scene_report_infos_from_settings() -> list[dict[str, str]]:
    return [
        {"info_type": str(item["info_type"]), "info_content": str(item["info_content"])}
        for item in settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS
    ]


class WechatTransferGateway(Protocol):
    """What the withdrawal services may ask of WeChat Pay's merchant transfer;
    ``WechatTransferClient`` and ``SandboxWechatTransfer`` both provide it."""

    mode: str
    mchid: str
    appid: str

    def create_transfer_bill(
        self, *, out_bill_no: str, openid: str, amount_fen: int, remark: str, user_name: str | None = None
    ) -> TransferBill: ...

    def query_transfer_bill(self, out_bill_no: str) -> TransferBill: ...

    def cancel_transfer_bill(self, out_bill_no: str) -> TransferBill: ...

    def open_transfer_notification(
        self, headers: Mapping[str, str], body: str | bytes, *, now: int | None = None
    ) -> TransferNotification: ...

    def transfer_client_params(self, bill: TransferBill) -> dict[str, str]: ...


def _build_transfer_gateway() -> WechatTransferGateway:
    """In live mode it refuses to be built without the merchant keys (``ImproperlyConfigured``)."""
    if settings.WECHAT_MODE == "live":
        from fenxiao.integrations.wechat.transfer_client import WechatTransferClient

        return WechatTransferClient.from_settings()
    from fenxiao.integrations.wechat.transfer_sandbox import SandboxWechatTransfer

    return SandboxWechatTransfer.from_settings()


_transfer_gateway: PerConfiguration[WechatTransferGateway] = PerConfiguration(
    lambda: (
        *merchant_settings_key(),
        settings.WECHATPAY_TRANSFER_NOTIFY_URL,
        settings.WECHATPAY_TRANSFER_SCENE_ID,
        json.dumps(settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS, ensure_ascii=False, sort_keys=True),
        settings.WECHATPAY_TRANSFER_USER_RECV_PERCEPTION,
        str(settings.WECHATPAY_TRANSFER_USER_NAME_MIN_FEN),
    ),
    _build_transfer_gateway,
)


def transfer_gateway() -> WechatTransferGateway:
    """The transfer gateway for the configured mode, built once per process and configuration."""
    return _transfer_gateway.get()


def reset_transfer_gateway() -> None:
    """Forget the cached gateway (tests switch modes and key folders)."""
    _transfer_gateway.reset()
