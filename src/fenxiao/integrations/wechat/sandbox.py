"""The sandbox stand-in for WeChat (``WECHAT_MODE=sandbox``, the default): the same interface as
``WechatClient`` answering locally, so login and phone binding run offline in demos and tests.

Login codes look like ``sandbox-<name>`` and log in the user whose openid is ``sandbox-<name>``;
phone codes look like ``sandbox-phone-<11 digits>``. Anything else answers WeChat's own error for
a bad code (40029), exactly as live WeChat would."""

from __future__ import annotations

import hashlib
import re

from fenxiao.integrations.wechat.client import AccessToken, PhoneNumber, WechatSession
from fenxiao.integrations.wechat.errors import WechatError

LOGIN_CODE = re.compile(r"^sandbox-[A-Za-z0-9_-]{1,48}$")
# [0-9], not \d: \d also matches full-width and other Unicode digits.
PHONE_CODE = re.compile(r"^sandbox-phone-(1[0-9]{10})$")


class SandboxWechat:
    appid = "wx-sandbox"

    def code2session(self, code: str) -> WechatSession:
        if not LOGIN_CODE.fullmatch(code) or code.startswith("sandbox-phone-"):
            raise WechatError(40029, "invalid code")
        session_key = hashlib.sha256(f"sandbox-session:{code}".encode()).hexdigest()[:24]
        return WechatSession(openid=code, session_key=session_key)

    def stable_token(self, *, force_refresh: bool = False) -> AccessToken:
        return AccessToken(token="sandbox-access-token", expires_in=7200)

    def get_user_phone_number(self, *, access_token: str, code: str) -> PhoneNumber:
        match = PHONE_CODE.fullmatch(code)
        if not match:
            raise WechatError(40029, "invalid code")
        phone = match.group(1)
        return PhoneNumber(phone_number=phone, pure_phone_number=phone, country_code="86")

    def upload_shipping_info(self, *, access_token: str, payload: dict) -> None:
        """WeChat's stand-in accepts every upload that names an order and at least one parcel."""
        if not payload.get("order_key") or not payload.get("shipping_list"):
            raise WechatError(47001, "data format error")
