"""When to try a send again, as pure rules: which WeChat answers are worth another try, and how
long to wait before the next one."""

from __future__ import annotations

from datetime import timedelta

MAX_ATTEMPTS = 5
# -1 is a transport failure or WeChat's "system busy"; 45009 and 45011 are rate limits.
RETRYABLE_ERRCODES = frozenset({-1, 45009, 45011})
# Named so the operator reads why in the outbox; each is final: another try gets the same answer.
FINAL_REASONS = {
    43101: "用户拒绝接受消息（未订阅或已取消订阅）",
    47003: "模板参数不正确（微信拒绝了数据）",
    40003: "openid 不正确",
    40037: "模板 ID 不正确",
    41030: "跳转页面不存在",
}


def is_retryable(errcode: int) -> bool:
    return errcode in RETRYABLE_ERRCODES


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed try: 30 s, 2 min, 8 min, 32 min, then 2 h at most."""
    return timedelta(seconds=min(30 * 4 ** max(attempts - 1, 0), 2 * 3600))
