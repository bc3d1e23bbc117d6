"""Bearer-token API requests take the API's lane (core/api_lane.py): they skip the pages'
middleware (sessions, CSRF, messages, CSP, the referral binder) and still get everything the API
promises: the error shape, the input guard, the request id and the metrics. Pages, the admin and
token-less API calls go through the whole stack as before."""

from __future__ import annotations

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.storefront.referral import ReferralMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages_stack_calls(monkeypatch) -> list[str]:
    """Which of the pages' middlewares a request went through."""
    seen: list[str] = []
    for cls in (SessionMiddleware, ReferralMiddleware):
        original = cls.__call__

        def spy(self, request, _original=original, _name=cls.__name__):
            seen.append(_name)
            return _original(self, request)

        monkeypatch.setattr(cls, "__call__", spy)
    return seen


@pytest.fixture
def bearer() -> dict[str, str]:
    user = UserFactory()
    return {"Authorization": f"Bearer {token_pair_issue(user_id=user.id, scope='user').access}"}


def test_a_bearer_api_request_skips_the_pages_middleware(pages_stack_calls, bearer):
    response = Client().get("/api/v1/auth/me", headers=bearer)

    assert response.status_code == 200
    assert pages_stack_calls == []
    assert "Set-Cookie" not in str(response.headers) and "Content-Security-Policy" not in response.headers
    assert response["X-Request-ID"]
    assert response["Content-Length"] == str(len(response.content))  # not sent chunked


def test_pages_the_admin_and_token_less_api_calls_take_the_whole_stack(pages_stack_calls):
    assert Client().get("/").status_code == 200
    assert Client().get("/admin/login/").status_code == 200
    assert Client().get("/api/v1/auth/me").status_code == 401
    assert pages_stack_calls == ["SessionMiddleware", "ReferralMiddleware"] * 3


def test_the_lane_keeps_the_api_error_shape_and_the_input_guard(bearer):
    wrong_method = Client().delete("/api/v1/auth/me", headers=bearer)
    assert wrong_method.status_code == 405 and set(wrong_method.json()) >= {"code", "message"}

    missing = Client().get("/api/v1/no-such-thing", headers=bearer)
    assert missing.status_code == 404 and set(missing.json()) >= {"code", "message"}

    nul = Client().post("/api/v1/cart/items", {"sku_id": "1\x00"}, content_type="application/json", headers=bearer)
    assert (nul.status_code, nul.json()["code"]) == (422, "INVALID_CHARACTER")


def test_a_bad_token_on_the_lane_is_still_refused(bearer):
    response = Client().get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and response.json()["code"]
