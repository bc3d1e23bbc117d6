"""WeChat Pay merchant transfer (商家转账, user-confirm mode) as the mall sees it: what a transfer
bill and its MCHTRANSFER.BILL.FINISHED notification look like, and the protocol
(``WechatTransferGateway``) that the live client and the offline sandbox both provide
(``factory.transfer_gateway()`` chooses one).

A bill goes ACCEPTED → (PROCESSING) → WAIT_USER_CONFIRM, the payee confirms in the mini-program
(``wx.requestMerchantTransfer`` with ``transfer_client_params``) → TRANSFERING → SUCCESS, or ends in
FAIL, or is cancelled (CANCELING → CANCELLED) before the payee confirms. SUCCESS, FAIL and CANCELLED
are final and each is announced by one (possibly repeated) notification. Nothing here knows about
withdrawals; callers hand in numbers and strings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

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
