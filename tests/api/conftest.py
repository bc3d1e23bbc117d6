from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue


class ApiClient:
    """A JSON client for the API with an optional bearer token."""

    def __init__(self, token: str | None = None):
        self._client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self._client.get(path, params or {}, headers=self._headers())

    def post(self, path: str, body: Any = None, *, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self._client.post(path, data, content_type="application/json", headers=self._headers())

    def put(self, path: str, body: Any):
        return self._client.put(path, json.dumps(body), content_type="application/json", headers=self._headers())


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient()


@pytest.fixture
def shopper(db) -> User:
    return User.objects.create(username="wx_sandbox-alice", openid="sandbox-alice", nickname="爱丽丝")


@pytest.fixture
def shopper_api(shopper) -> ApiClient:
    return ApiClient(token_pair_issue(user_id=shopper.id, scope="user").access)


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create(username="operator", is_staff=True)
    user.set_password("s3cret-pass-123")
    user.save()
    return user


@pytest.fixture
def staff_api(staff) -> ApiClient:
    return ApiClient(token_pair_issue(user_id=staff.id, scope="staff").access)
