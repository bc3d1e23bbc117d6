"""WeChat's numeric error codes become the mall's stable codes and messages a shopper understands."""

from __future__ import annotations

from typing import Literal

from fenxiao.core.errors import DomainError
from fenxiao.integrations.wechat.miniprogram.errors import WechatError

WECHAT_ERRORS: dict[int, tuple[str, str, int]] = {
    40029: ("WECHAT_CODE_INVALID", "微信登录凭证无效，请重新进入小程序", 400),
    40163: ("WECHAT_CODE_USED", "微信登录凭证已被使用，请重新进入小程序", 400),
    45011: ("WECHAT_RATE_LIMITED", "登录过于频繁，请稍后再试", 429),
    40226: ("WECHAT_USER_RISKY", "该微信账号存在风险，暂时无法登录", 403),
    -1: ("WECHAT_BUSY", "微信服务繁忙，请稍后再试", 503),
}

# The same codes answer the phone-number button, where "re-enter the mini-program" would mislead.
PHONE_MESSAGES: dict[int, str] = {
    40029: "手机号授权凭证无效，请重新授权",
    40163: "手机号授权凭证已被使用，请重新授权",
    45011: "操作过于频繁，请稍后再试",
}

Purpose = Literal["login", "phone"]


def wechat_error_to_domain(exc: WechatError, *, purpose: Purpose = "login") -> DomainError:
    code, message, status = WECHAT_ERRORS.get(
        exc.errcode, ("WECHAT_ERROR", f"微信服务返回错误（{exc.errcode}），请稍后再试", 502)
    )
    if purpose == "phone":
        message = PHONE_MESSAGES.get(exc.errcode, message)
    return DomainError(code, message, status=status)
