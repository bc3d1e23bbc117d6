"""Helpers for the accounts tests: a JSON client, token minting, canned WeChat answers."""

from __future__ import annotations

from typing import Any

import httpx
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from fenxiao.accounts.models import User
from fenxiao.accounts.sessions import refresh_family_start
from fenxiao.accounts.tokens import TokenPair, token_pair_issue
from tests.support import HOME_ADDRESS, Api, assert_error  # noqa: F401  (re-exported for the accounts tests)

WECHAT_BASE = "https://api.weixin.qq.com"
WECHAT_APPID = "wx-accounts-test"
WECHAT_SECRET = "accounts-test-app-secret"


def access_for(user: User, scope: str = "user") -> str:
    return token_pair_issue(user_id=user.pk, scope=scope).access


def login_pair(user: User, scope: str = "user") -> TokenPair:
    """The pair a login answers: its refresh token belongs to a recorded login and refreshes."""
    return refresh_family_start(user=user, scope=scope)


def wechat_ok(**fields: Any) -> httpx.Response:
    return httpx.Response(200, json=fields)


def wechat_err(errcode: int, errmsg: str = "error") -> httpx.Response:
    return httpx.Response(200, json={"errcode": errcode, "errmsg": errmsg})


class RealisticPasswordHasher(PBKDF2PasswordHasher):
    """Slow enough (tens of milliseconds) that concurrent password checks overlap, as production's
    do; the MD5 hasher the other tests use for speed finishes each check before the next starts."""

    iterations = 60_000
