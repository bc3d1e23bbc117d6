"""What the mini-program server API answers, as the mall sees it, and the protocol
(``WechatMiniProgram``) that the live client and the offline sandbox both provide
(``factory.wechat_client()`` chooses one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class WechatSession:
    openid: str
    session_key: str
    unionid: str = ""


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


@dataclass(frozen=True)
class PhoneNumber:
    phone_number: str
    pure_phone_number: str
    country_code: str


class WechatMiniProgram(Protocol):
    """What the mall may ask of the mini-program server API; ``WechatClient`` and
    ``SandboxWechat`` both provide it."""

    appid: str

    def code2session(self, code: str) -> WechatSession: ...

    def stable_token(self, *, force_refresh: bool = False) -> AccessToken: ...

    def get_user_phone_number(self, *, access_token: str, code: str) -> PhoneNumber: ...

    def upload_shipping_info(self, *, access_token: str, payload: dict[str, Any]) -> None: ...

    def send_subscribe_message(self, *, access_token: str, payload: dict[str, Any]) -> None: ...

    def get_wxacode_unlimited(
        self,
        *,
        access_token: str,
        scene: str,
        page: str,
        width: int = 430,
        check_path: bool = True,
        env_version: str = "release",
    ) -> bytes: ...
