from __future__ import annotations


class WechatError(Exception):
    """An ``errcode`` answer from WeChat, or a transport failure (``errcode`` -1, like WeChat's own
    "system busy"). Callers map codes to messages; this layer knows nothing of the mall."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


# access_token invalid or expired: fetch a fresh one and retry once.
TOKEN_ERRCODES = frozenset({40001, 42001})
