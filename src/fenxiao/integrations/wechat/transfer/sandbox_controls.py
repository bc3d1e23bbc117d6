"""The sandbox's controls for what happens on the payee's side and on WeChat's bad days: confirm
or fail a bill, make the next create end badly, re-send a final notification. They act on the
configured gateway and refuse outside sandbox mode (``WECHATPAY_SANDBOX_ONLY``).

``sandbox_transfer_next_create`` makes the next create end badly (a lost answer, a 5xx, an
ACCEPTED answer without package_info, a NOT_ENOUGH refusal), with or without the bill having been
created behind it, so callers can prove they query before doing anything else."""

from __future__ import annotations

from fenxiao.core.errors import NotFound
from fenxiao.integrations.wechat.pay.types import SignedMessage
from fenxiao.integrations.wechat.transfer.factory import transfer_gateway
from fenxiao.integrations.wechat.transfer.sandbox import SandboxWechatTransfer
from fenxiao.integrations.wechat.transfer.types import TransferBill, TransferState


def _sandbox() -> SandboxWechatTransfer:
    gateway = transfer_gateway()
    if not isinstance(gateway, SandboxWechatTransfer):
        raise NotFound("WECHATPAY_SANDBOX_ONLY", "仅沙箱模式可用")
    return gateway


def sandbox_transfer_confirm(out_bill_no: str) -> TransferBill:
    """The payee confirms in WeChat and is paid: the bill is SUCCESS and its notification goes to
    the sink. Confirming again changes nothing."""
    return _sandbox()._settle(out_bill_no, state=TransferState.SUCCESS)


def sandbox_transfer_fail(out_bill_no: str, reason: str = "PAYEE_ACCOUNT_ABNORMAL") -> TransferBill:
    """WeChat fails the transfer (the payee's account is abnormal, the 24 h to confirm ran out:
    ``OVERDUE_CLOSE``, ...): the bill is FAIL with ``reason`` and its notification goes to the sink."""
    if not reason:
        raise ValueError("a FAIL needs a reason")
    return _sandbox()._settle(out_bill_no, state=TransferState.FAIL, fail_reason=reason)


def sandbox_transfer_next_create(outcome: str, *, bill_created: bool = True) -> None:
    """Make the next create call end with ``outcome`` (one of ``sandbox_server.CREATE_OUTCOMES``). With
    ``bill_created`` (the default, and the dangerous case) WeChat made the bill before the answer
    went wrong; ``accepted`` always makes it and ``not_enough`` never does."""
    _sandbox().server.set_next_create(outcome, bill_created=bill_created)


def sandbox_transfer_notification(out_bill_no: str) -> SignedMessage:
    """The final-state notification of a bill again, as WeChat re-sends it (not delivered)."""
    return _sandbox().server.final_notification(out_bill_no)
