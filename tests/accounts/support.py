"""Helpers for the accounts tests: a JSON client, token minting, canned WeChat answers."""

from __future__ import annotations

import json
from typing import Any

import httpx
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue

WECHAT_BASE = "https://api.weixin.qq.com"
WECHAT_APPID = "wx-accounts-test"
WECHAT_SECRET = "accounts-test-app-secret"


class Api:
    """The mini-program's view of the API: JSON in, JSON out, optional bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str):
        return self.client.get(path, headers=self._headers())

    def delete(self, path: str):
        return self.client.delete(path, headers=self._headers())

    def _send(self, method: str, path: str, body: Any, raw: str | None):
        data = raw if raw is not None else json.dumps(body)
        return getattr(self.client, method)(path, data, content_type="application/json", headers=self._headers())

    def post(self, path: str, body: Any = None, *, raw: str | None = None):
        return self._send("post", path, {} if body is None else body, raw)

    def patch(self, path: str, body: Any = None, *, raw: str | None = None):
        return self._send("patch", path, {} if body is None else body, raw)

    def put(self, path: str, body: Any = None, *, raw: str | None = None):
        return self._send("put", path, {} if body is None else body, raw)


def access_for(user: User, scope: str = "user") -> str:
    return token_pair_issue(user_id=user.pk, scope=scope).access


def wechat_ok(**fields: Any) -> httpx.Response:
    return httpx.Response(200, json=fields)


def wechat_err(errcode: int, errmsg: str = "error") -> httpx.Response:
    return httpx.Response(200, json={"errcode": errcode, "errmsg": errmsg})


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["code"] == code, body
    assert body["message"], body
    return body
