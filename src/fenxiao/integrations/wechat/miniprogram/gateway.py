"""The mini-program server calls the mall makes (login, phone number, shipping upload, the
mini-program code, subscription messages), each on the client ``factory.wechat_client()`` picks for the configured mode,
with one shared access token.

The access token is shared by every worker through Redis when configured, else through the
database (``CachedAccessToken``); on 40001/42001 the token is refreshed once and the call retried."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.utils import timezone
from redis.exceptions import RedisError

from fenxiao.core.redis import log_without_redis, redis_client
from fenxiao.integrations.wechat.miniprogram.errors import TOKEN_ERRCODES, WechatError
from fenxiao.integrations.wechat.miniprogram.factory import wechat_client
from fenxiao.integrations.wechat.miniprogram.types import PhoneNumber, WechatSession
from fenxiao.integrations.wechat.miniprogram.wxacode import validate_wxacode_request
from fenxiao.integrations.wechat.models import CachedAccessToken

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Renew a little before WeChat's expiry so a token never dies between cache read and use.
EXPIRY_MARGIN = timedelta(seconds=300)


def _redis_key(appid: str) -> str:
    return f"wechat:access_token:{appid}"


def _read_cached(appid: str) -> str | None:
    if settings.REDIS_URL:
        try:
            value = redis_client().get(_redis_key(appid))
            return value.decode() if value else None
        except RedisError:
            # Redis down must not stop logins and phone binding: the database copy still works.
            log_without_redis(logger, "wechat token cache: redis unavailable, using the database copy")
    row = CachedAccessToken.objects.filter(appid=appid, expires_at__gt=timezone.now()).first()
    return row.token if row else None


def _store(appid: str, token: str, expires_in: int) -> None:
    ttl = max(int(expires_in - EXPIRY_MARGIN.total_seconds()), 60)
    if settings.REDIS_URL:
        try:
            redis_client().set(_redis_key(appid), token, ex=ttl)
            return
        except RedisError:
            log_without_redis(logger, "wechat token cache: redis unavailable, storing in the database")
    CachedAccessToken.objects.update_or_create(
        appid=appid, defaults={"token": token, "expires_at": timezone.now() + timedelta(seconds=ttl)}
    )


def access_token(*, force_refresh: bool = False) -> str:
    client = wechat_client()
    if not force_refresh:
        cached = _read_cached(client.appid)
        if cached:
            return cached
    fresh = client.stable_token(force_refresh=force_refresh)
    _store(client.appid, fresh.token, fresh.expires_in)
    return fresh.token


def with_access_token(call: Callable[[str], T]) -> T:
    """Run ``call(token)``; if WeChat says the token is invalid or expired, refresh once and retry."""
    try:
        return call(access_token())
    except WechatError as exc:
        if exc.errcode not in TOKEN_ERRCODES:
            raise
    return call(access_token(force_refresh=True))


def code2session(code: str) -> WechatSession:
    return wechat_client().code2session(code)


def user_phone_number(code: str) -> PhoneNumber:
    client = wechat_client()
    return with_access_token(lambda token: client.get_user_phone_number(access_token=token, code=code))


def upload_shipping_info(payload: dict) -> None:
    client = wechat_client()
    with_access_token(lambda token: client.upload_shipping_info(access_token=token, payload=payload))


def subscribe_message_send(payload: dict) -> None:
    """One subscription message; an expired token is refreshed once. The sandbox checks the
    payload as WeChat would and sends nothing."""
    client = wechat_client()
    with_access_token(lambda token: client.send_subscribe_message(access_token=token, payload=payload))


def wxacode_unlimited(
    *, scene: str, page: str, width: int = 430, check_path: bool = True, env_version: str = "release"
) -> bytes:
    """PNG bytes of the mini-program code opening ``page`` with ``scene``; a bad scene is refused
    before any token is fetched, an expired token is refreshed once."""
    validate_wxacode_request(scene=scene, page=page, width=width, env_version=env_version)
    client = wechat_client()
    return with_access_token(
        lambda token: client.get_wxacode_unlimited(
            access_token=token, scene=scene, page=page, width=width, check_path=check_path, env_version=env_version
        )
    )
