"""Helpers shared by the API tests: a JSON client and a valid address."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

HOME_ADDRESS = {
    "receiver": "张三",
    "phone": "13800138000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园南区 1 栋 101",
    "postal_code": "518000",
    "tag": "家",
}


class Api:
    """The mini-program's view of the API: JSON in, JSON out, optional bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.client.get(path, params or {}, headers=self._headers())

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


def assert_error(response, status: int, code: str) -> dict:
    """The API's error shape: the status, a stable code and a message for the shopper."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["code"] == code, body
    assert body["message"], body
    return body


def served_picture(n: int = 0) -> str:
    """The URL of a picture as ``POST /api/v1/uploads/images`` names it: complaints and after-sales
    take only such links (``accounts.uploads.is_served_picture``)."""
    return f"http://testserver/media/uploads/2026/01/{n:032x}.jpg"
