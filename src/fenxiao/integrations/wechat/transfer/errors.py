"""How a merchant-transfer call can end badly, and the money rule callers must keep with it: a
transfer whose create call did not answer clearly (timeout, 5xx, SYSTEM_ERROR, an unreadable
answer: ``error.retryable``) is never submitted again under a new out_bill_no. Query it, or send
the same out_bill_no again (WeChat is idempotent on it); only a bill that WeChat reports as FAIL
or CANCELLED, or that it has never heard of, frees the payout for a new number."""

from __future__ import annotations

from typing import Any

from fenxiao.integrations.wechat.pay.errors import (
    BAD_ANSWER,
    BAD_SIGNATURE,
    NETWORK,
    NOT_FOUND,
    REJECTED,
    UNAVAILABLE,
    WechatPayError,
)

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
