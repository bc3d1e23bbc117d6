"""``wechat_client()``: the live mini-program client or the offline sandbox, chosen by
``WECHAT_MODE`` and built once per process and per configuration. It lives apart from both so
that neither needs to know the other (or the chooser)."""

from __future__ import annotations

import hashlib

from django.conf import settings

from fenxiao.integrations.wechat.miniprogram.client import WechatClient
from fenxiao.integrations.wechat.miniprogram.sandbox import SandboxWechat
from fenxiao.integrations.wechat.miniprogram.types import WechatMiniProgram

_client: WechatMiniProgram | None = None
_client_key: tuple[str, ...] | None = None


def wechat_client() -> WechatMiniProgram:
    """The client for the configured mode, built again only when a setting it is built from changes."""
    global _client, _client_key
    # Every setting the client is built from is in the key, so a rotated secret takes effect at
    # once; the secret is kept as a digest to avoid a second plain copy in memory.
    key = (
        settings.WECHAT_MODE,
        settings.WECHAT_APPID,
        hashlib.sha256(settings.WECHAT_SECRET.encode()).hexdigest(),
        settings.WECHAT_API_BASE,
        str(settings.WECHAT_HTTP_TIMEOUT),
    )
    if _client is None or _client_key != key:
        if settings.WECHAT_MODE == "live":
            _client = WechatClient(
                appid=settings.WECHAT_APPID,
                secret=settings.WECHAT_SECRET,
                base_url=settings.WECHAT_API_BASE,
                timeout=settings.WECHAT_HTTP_TIMEOUT,
            )
        else:
            _client = SandboxWechat()
        _client_key = key
    return _client
