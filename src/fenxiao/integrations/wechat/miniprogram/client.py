"""The small part of the WeChat mini-program server API that the mall uses, on httpx.

Mini-program login (``jscode2session``), the stable access token (``/cgi-bin/stable_token``),
the phone number exchange (``getuserphonenumber``), the unlimited mini-program code
(``getwxacodeunlimit``), the shipping upload and subscription messages (``subscribeMessage.send``).
Every call has a timeout; network failures surface as ``WechatError(-1)`` so callers handle one
exception type."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

from fenxiao.integrations.wechat.miniprogram.errors import WechatError
from fenxiao.integrations.wechat.miniprogram.types import AccessToken, PhoneNumber, WechatSession
from fenxiao.integrations.wechat.miniprogram.wxacode import as_png, validate_wxacode_request

# httpx logs every request URL at INFO. WeChat wants the app secret, the login code and the
# access token in the query string, so those values are blanked before the record is written.
_SECRET_QUERY = re.compile(r"(?<=[?&])(secret|js_code|access_token)=[^&#\s]*")


def _redact(value: object) -> object:
    if isinstance(value, httpx.URL | str):
        return _SECRET_QUERY.sub(r"\1=***", str(value))
    return value


class _RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) for arg in record.args)
        return True


_httpx_logger = logging.getLogger("httpx")
if not any(isinstance(f, _RedactSecrets) for f in _httpx_logger.filters):
    _httpx_logger.addFilter(_RedactSecrets())


class WechatClient:
    def __init__(
        self,
        *,
        appid: str,
        secret: str,
        base_url: str,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.appid = appid
        self._secret = secret
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, **kwargs)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WechatError(-1, f"transport: {exc.__class__.__name__}") from exc
        if not isinstance(data, dict):
            raise WechatError(-1, "unexpected response")
        try:
            errcode = int(data.get("errcode") or 0)
        except (TypeError, ValueError):
            raise WechatError(-1, "unexpected errcode") from None
        if errcode != 0:
            raise WechatError(errcode, str(data.get("errmsg", "")))
        return data

    def code2session(self, code: str) -> WechatSession:
        data = self._call(
            "GET",
            "/sns/jscode2session",
            params={"appid": self.appid, "secret": self._secret, "js_code": code, "grant_type": "authorization_code"},
        )
        if not data.get("openid") or not data.get("session_key"):
            raise WechatError(-1, "jscode2session answered without openid")
        return WechatSession(openid=data["openid"], session_key=data["session_key"], unionid=data.get("unionid", ""))

    def stable_token(self, *, force_refresh: bool = False) -> AccessToken:
        data = self._call(
            "POST",
            "/cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self._secret,
                "force_refresh": force_refresh,
            },
        )
        if not data.get("access_token"):
            raise WechatError(-1, "stable_token answered without access_token")
        return AccessToken(token=data["access_token"], expires_in=int(data.get("expires_in", 7200)))

    def get_user_phone_number(self, *, access_token: str, code: str) -> PhoneNumber:
        data = self._call(
            "POST",
            "/wxa/business/getuserphonenumber",
            params={"access_token": access_token},
            json={"code": code},
        )
        info = data.get("phone_info") or {}
        if not info.get("purePhoneNumber"):
            raise WechatError(-1, "getuserphonenumber answered without phone_info")
        return PhoneNumber(
            phone_number=info.get("phoneNumber", info["purePhoneNumber"]),
            pure_phone_number=info["purePhoneNumber"],
            country_code=str(info.get("countryCode", "86")),
        )

    def upload_shipping_info(self, *, access_token: str, payload: dict[str, Any]) -> None:
        """Order-shipping management (发货信息管理), required for mini-programs that sell goods."""
        self._call("POST", "/wxa/sec/order/upload_shipping_info", params={"access_token": access_token}, json=payload)

    def send_subscribe_message(self, *, access_token: str, payload: dict[str, Any]) -> None:
        """``subscribeMessage.send``: one subscription message to one user (who must have accepted
        the template once for each message)."""
        self._call("POST", "/cgi-bin/message/subscribe/send", params={"access_token": access_token}, json=payload)

    def get_wxacode_unlimited(
        self,
        *,
        access_token: str,
        scene: str,
        page: str,
        width: int = 430,
        check_path: bool = True,
        env_version: str = "release",
    ) -> bytes:
        """The mini-program code that opens ``page`` with ``scene`` (a distributor's share code).

        WeChat answers the image itself on success and a JSON ``errcode`` on failure, both with
        HTTP 200, so the body is inspected rather than the status or the content type."""
        validate_wxacode_request(scene=scene, page=page, width=width, env_version=env_version)
        try:
            response = self._http.post(
                "/wxa/getwxacodeunlimit",
                params={"access_token": access_token},
                json={
                    "scene": scene,
                    "page": page,
                    "width": width,
                    "check_path": check_path,
                    "env_version": env_version,
                },
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise WechatError(-1, f"transport: {exc.__class__.__name__}") from exc
        body = response.content
        if body.lstrip().startswith(b"{"):
            try:
                data = json.loads(body)
                errcode = int(data.get("errcode") or 0)
            except (ValueError, TypeError, AttributeError):
                raise WechatError(-1, "unexpected response") from None
            raise WechatError(errcode or -1, str(data.get("errmsg", "")))
        return as_png(body)
