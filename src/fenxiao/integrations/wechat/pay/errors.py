"""How a WeChat Pay call can end badly, as the mall sees it: our stable codes with the message a
shopper or operator reads, whether sending the same request again is worth it, and the refusal of
a notification nobody proved came from WeChat. Live client, sandbox and transfers share them."""

from __future__ import annotations

from fenxiao.core.errors import UpstreamError

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
