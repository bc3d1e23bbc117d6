"""Shopper login with a ``wx.login`` code: sandbox WeChat locally, live WeChat faked at the transport."""

from __future__ import annotations

import logging

import httpx
import pytest

from fenxiao.accounts.models import User
from tests.accounts.support import WECHAT_APPID, WECHAT_SECRET, Api, assert_error, wechat_err, wechat_ok
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/wechat-login"


# --- sandbox -------------------------------------------------------------------------------------


def test_first_sandbox_login_creates_the_user_and_returns_tokens(anon):
    # given nobody has logged in yet
    # when alice logs in with her sandbox code
    response = anon.post(LOGIN, {"code": "sandbox-alice"})

    # then a user with her openid exists, and she holds a working token pair
    assert response.status_code == 200, response.content
    body = response.json()
    user = User.objects.get(openid="sandbox-alice")
    assert body["user"]["id"] == user.pk
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 2 * 3600
    assert body["access"] and body["refresh"] and body["access"] != body["refresh"]
    assert user.username == "wx_sandbox-alice"
    assert not user.has_usable_password()
    assert user.wechat_session_key
    assert user.last_wechat_login_at is not None
    me = Api(body["access"]).get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["id"] == user.pk


def test_second_sandbox_login_returns_the_same_user(anon):
    first = anon.post(LOGIN, {"code": "sandbox-alice"}).json()
    second = anon.post(LOGIN, {"code": "sandbox-alice"}).json()

    assert second["user"]["id"] == first["user"]["id"]
    assert User.objects.filter(openid="sandbox-alice").count() == 1
    assert User.objects.count() == 1


def test_login_code_is_trimmed(anon):
    response = anon.post(LOGIN, {"code": "  sandbox-alice \n"})

    assert response.status_code == 200
    assert User.objects.filter(openid="sandbox-alice").exists()


def test_existing_user_keeps_profile_on_login(anon):
    # given alice already has a nickname and phone
    alice = UserFactory(openid="sandbox-alice", nickname="爱丽丝", phone="13800138000")

    body = anon.post(LOGIN, {"code": "sandbox-alice"}).json()

    assert body["user"]["id"] == alice.pk
    assert body["user"]["nickname"] == "爱丽丝"
    assert body["user"]["phone"] == "13800138000"
    assert body["user"]["has_phone"] is True


@pytest.mark.parametrize(
    "code",
    ["alice", "sandbox-", "sandbox-phone-13800138000", "sandbox-a/b", "sandbox-" + "a" * 49, "SANDBOX-alice"],
)
def test_bad_sandbox_code_is_refused_and_creates_nobody(anon, code):
    response = anon.post(LOGIN, {"code": code})

    assert_error(response, 400, "WECHAT_CODE_INVALID")
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "code"),
        ({"code": ""}, "code"),
        ({"code": "   "}, "code"),
        ({"code": 123}, "code"),
        ({"code": "x" * 129}, "code"),
    ],
)
def test_malformed_login_body_is_a_validation_error(anon, body, field):
    response = anon.post(LOGIN, body)

    err = assert_error(response, 422, "VALIDATION_ERROR")
    assert err["field"] == field
    assert User.objects.count() == 0


def test_login_response_never_contains_the_session_key(anon):
    response = anon.post(LOGIN, {"code": "sandbox-alice"})

    session_key = User.objects.get(openid="sandbox-alice").wechat_session_key
    raw = response.content.decode()
    assert session_key and session_key not in raw
    assert "session_key" not in raw
    me = Api(response.json()["access"]).get("/api/v1/auth/me").content.decode()
    assert session_key not in me and "session_key" not in me


def test_disabled_user_cannot_log_in(anon):
    UserFactory(openid="sandbox-alice", is_active=False)

    response = anon.post(LOGIN, {"code": "sandbox-alice"})

    assert_error(response, 403, "USER_DISABLED")
    assert "access" not in response.json()


# --- live WeChat (jscode2session faked with respx) -----------------------------------------------


def test_live_login_sends_appid_secret_and_code_and_stores_unionid(anon, wechat):
    route = wechat.get("/sns/jscode2session").mock(
        return_value=wechat_ok(openid="o-live-1", session_key="sk-live-secret==", unionid="u-union-1")
    )

    response = anon.post(LOGIN, {"code": "081abcDEF"})

    assert response.status_code == 200, response.content
    assert route.call_count == 1
    params = route.calls.last.request.url.params
    assert params["appid"] == WECHAT_APPID
    assert params["secret"] == WECHAT_SECRET
    assert params["js_code"] == "081abcDEF"
    assert params["grant_type"] == "authorization_code"
    user = User.objects.get(openid="o-live-1")
    assert user.unionid == "u-union-1"
    assert user.wechat_session_key == "sk-live-secret=="
    assert response.json()["user"]["id"] == user.pk
    assert "sk-live-secret" not in response.content.decode()


def test_live_login_without_unionid_keeps_the_known_one(anon, wechat):
    # given a user whose unionid we learnt earlier
    UserFactory(openid="o-live-1", unionid="u-union-1")
    wechat.get("/sns/jscode2session").mock(return_value=wechat_ok(openid="o-live-1", session_key="sk-2"))

    response = anon.post(LOGIN, {"code": "081abc"})

    assert response.status_code == 200
    user = User.objects.get(openid="o-live-1")
    assert user.unionid == "u-union-1"
    assert user.wechat_session_key == "sk-2"


@pytest.mark.parametrize(
    ("errcode", "status", "code"),
    [
        (40029, 400, "WECHAT_CODE_INVALID"),
        (40163, 400, "WECHAT_CODE_USED"),
        (45011, 429, "WECHAT_RATE_LIMITED"),
        (40226, 403, "WECHAT_USER_RISKY"),
        (-1, 503, "WECHAT_BUSY"),
        (40013, 502, "WECHAT_ERROR"),
    ],
)
def test_live_login_maps_wechat_errcodes(anon, wechat, errcode, status, code):
    wechat.get("/sns/jscode2session").mock(return_value=wechat_err(errcode, "rid: 1234"))

    response = anon.post(LOGIN, {"code": "081abc"})

    body = assert_error(response, status, code)
    assert set(body) == {"code", "message"}
    assert User.objects.count() == 0


def test_unknown_errcode_message_names_the_code(anon, wechat):
    wechat.get("/sns/jscode2session").mock(return_value=wechat_err(40013, "invalid appid"))

    body = anon.post(LOGIN, {"code": "081abc"}).json()

    assert "40013" in body["message"]
    assert "invalid appid" not in body["message"]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(httpx.ConnectError("connection refused"), id="connect-error"),
        pytest.param(httpx.ReadTimeout("timed out"), id="timeout"),
        pytest.param(httpx.Response(500, text="Internal Server Error"), id="http-500"),
        pytest.param(httpx.Response(200, text="<html>busy</html>"), id="not-json"),
        pytest.param(httpx.Response(200, json=["unexpected"]), id="json-not-object"),
        pytest.param(httpx.Response(200, json={"errcode": "boom"}), id="errcode-not-number"),
        pytest.param(httpx.Response(200, json={"session_key": "sk"}), id="no-openid"),
    ],
)
def test_live_login_transport_failures_are_wechat_busy(anon, wechat, answer):
    route = wechat.get("/sns/jscode2session")
    if isinstance(answer, Exception):
        route.mock(side_effect=answer)
    else:
        route.mock(return_value=answer)

    response = anon.post(LOGIN, {"code": "081abc"})

    assert_error(response, 503, "WECHAT_BUSY")
    assert User.objects.count() == 0


def test_live_mode_refuses_sandbox_codes_from_wechat(anon, wechat):
    # sandbox codes mean nothing to live WeChat: its answer decides, not our sandbox
    route = wechat.get("/sns/jscode2session").mock(return_value=wechat_err(40029, "invalid code"))

    response = anon.post(LOGIN, {"code": "sandbox-alice"})

    assert_error(response, 400, "WECHAT_CODE_INVALID")
    assert route.call_count == 1


def test_app_secret_and_login_code_never_reach_the_logs(anon, wechat, caplog):
    wechat.get("/sns/jscode2session").mock(return_value=wechat_ok(openid="o-1", session_key="sk-1"))

    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="httpx"):
        anon.post(LOGIN, {"code": "081secretcode"})
        wechat.get("/sns/jscode2session").mock(return_value=wechat_err(40029))
        anon.post(LOGIN, {"code": "081secretcode"})

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "jscode2session" in logged  # httpx did log the request...
    assert WECHAT_SECRET not in logged  # ...but without the secret
    assert "081secretcode" not in logged


def test_changed_secret_is_used_at_once(anon, wechat, settings):
    route = wechat.get("/sns/jscode2session").mock(return_value=wechat_ok(openid="o-1", session_key="sk-1"))
    anon.post(LOGIN, {"code": "081a"})

    settings.WECHAT_SECRET = "rotated-secret"
    anon.post(LOGIN, {"code": "081b"})

    assert [call.request.url.params["secret"] for call in route.calls] == [WECHAT_SECRET, "rotated-secret"]
