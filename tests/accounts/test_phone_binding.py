"""Binding the WeChat phone number, and the shared access token that call needs."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis

from fenxiao.integrations.wechat.miniprogram import gateway
from fenxiao.integrations.wechat.models import CachedAccessToken
from tests.accounts.support import (
    WECHAT_APPID,
    WECHAT_SECRET,
    Api,
    access_for,
    assert_error,
    wechat_err,
    wechat_ok,
)

pytestmark = pytest.mark.django_db

PHONE = "/api/v1/auth/phone"
STABLE_TOKEN = "/cgi-bin/stable_token"
GET_PHONE = "/wxa/business/getuserphonenumber"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def phone_info(number: str = "13800138000") -> httpx.Response:
    return wechat_ok(
        errcode=0,
        errmsg="ok",
        phone_info={"phoneNumber": number, "purePhoneNumber": number, "countryCode": "86", "watermark": {}},
    )


def token_answer(token: str, expires_in: int = 7200) -> httpx.Response:
    return wechat_ok(access_token=token, expires_in=expires_in)


def stable_token_bodies(route) -> list[dict]:
    return [json.loads(call.request.content) for call in route.calls]


@pytest.fixture
def db_token_cache(wechat, settings):
    settings.REDIS_URL = ""
    return wechat


@pytest.fixture
def redis_token_cache(wechat, settings):
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    probe = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        probe.ping()
    except redis.RedisError:
        pytest.skip(f"Redis not reachable at {url}")
    settings.REDIS_URL = url
    key = gateway._redis_key(WECHAT_APPID)
    probe.delete(key)
    yield wechat, probe, key
    probe.delete(key)


# --- sandbox -------------------------------------------------------------------------------------


def test_sandbox_phone_binding(shopper_api, shopper):
    response = shopper_api.post(PHONE, {"code": "sandbox-phone-13800138000"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phone"] == "13800138000"
    assert body["has_phone"] is True
    shopper.refresh_from_db()
    assert shopper.phone == "13800138000"
    assert shopper.phone_country_code == "86"


def test_rebinding_replaces_the_phone(shopper_api, shopper):
    shopper_api.post(PHONE, {"code": "sandbox-phone-13800138000"})
    shopper_api.post(PHONE, {"code": "sandbox-phone-13900139000"})

    shopper.refresh_from_db()
    assert shopper.phone == "13900139000"


@pytest.mark.parametrize(
    "code", ["sandbox-phone-1380013800", "sandbox-phone-138001380001", "sandbox-alice", "sandbox-phone-1３800138000"]
)
def test_bad_sandbox_phone_code(shopper_api, shopper, code):
    body = assert_error(shopper_api.post(PHONE, {"code": code}), 400, "WECHAT_CODE_INVALID")

    assert "手机号" in body["message"]
    shopper.refresh_from_db()
    assert shopper.phone == ""


def test_phone_binding_needs_login(anon, db):
    assert_error(anon.post(PHONE, {"code": "sandbox-phone-13800138000"}), 401, "UNAUTHORIZED")


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": None}])
def test_phone_binding_needs_a_code(shopper_api, body):
    err = assert_error(shopper_api.post(PHONE, body), 422, "VALIDATION_ERROR")
    assert err["field"] == "code"


# --- live: the access token is fetched once and shared --------------------------------------------


def test_live_binding_fetches_token_once_and_caches_it_in_the_database(shopper_api, shopper, db_token_cache):
    wechat = db_token_cache
    token_route = wechat.post(STABLE_TOKEN).mock(return_value=token_answer("AT-1"))
    phone_route = wechat.post(GET_PHONE).mock(return_value=phone_info())

    # when the phone is bound twice
    first = shopper_api.post(PHONE, {"code": "phone-code-1"})
    second = shopper_api.post(PHONE, {"code": "phone-code-2"})

    # then stable_token was called once, with the app's credentials and no forced refresh
    assert first.status_code == second.status_code == 200
    assert token_route.call_count == 1
    assert stable_token_bodies(token_route) == [
        {"grant_type": "client_credential", "appid": WECHAT_APPID, "secret": WECHAT_SECRET, "force_refresh": False}
    ]
    # and both phone calls carried the cached token and their own code
    assert [c.request.url.params["access_token"] for c in phone_route.calls] == ["AT-1", "AT-1"]
    assert [json.loads(c.request.content) for c in phone_route.calls] == [
        {"code": "phone-code-1"},
        {"code": "phone-code-2"},
    ]
    assert CachedAccessToken.objects.get(appid=WECHAT_APPID).token == "AT-1"
    shopper.refresh_from_db()
    assert shopper.phone == "13800138000"


def test_database_token_is_renewed_before_wechat_expires_it(shopper, db_token_cache, time_machine):
    wechat = db_token_cache
    token_route = wechat.post(STABLE_TOKEN).mock(side_effect=[token_answer("AT-1"), token_answer("AT-2")])
    phone_route = wechat.post(GET_PHONE).mock(return_value=phone_info())

    time_machine.move_to(START, tick=False)
    shopper_api = Api(access_for(shopper))
    shopper_api.post(PHONE, {"code": "c1"})
    # 7200 s minus the 300 s safety margin: still cached one second before, renewed after
    time_machine.move_to(START + timedelta(seconds=6899), tick=False)
    shopper_api.post(PHONE, {"code": "c2"})
    time_machine.move_to(START + timedelta(seconds=6901), tick=False)
    shopper_api.post(PHONE, {"code": "c3"})

    assert token_route.call_count == 2
    assert [c.request.url.params["access_token"] for c in phone_route.calls] == ["AT-1", "AT-1", "AT-2"]


def test_live_binding_caches_the_token_in_redis(shopper_api, redis_token_cache):
    wechat, client, key = redis_token_cache
    token_route = wechat.post(STABLE_TOKEN).mock(return_value=token_answer("AT-redis"))
    phone_route = wechat.post(GET_PHONE).mock(return_value=phone_info())

    shopper_api.post(PHONE, {"code": "c1"})
    shopper_api.post(PHONE, {"code": "c2"})

    assert token_route.call_count == 1
    assert [c.request.url.params["access_token"] for c in phone_route.calls] == ["AT-redis", "AT-redis"]
    assert client.get(key) == b"AT-redis"
    assert 6800 <= client.ttl(key) <= 6900
    assert not CachedAccessToken.objects.exists()


def test_redis_token_written_by_another_worker_is_used(shopper_api, redis_token_cache):
    wechat, client, key = redis_token_cache
    client.set(key, "AT-from-other-worker", ex=600)
    token_route = wechat.post(STABLE_TOKEN).mock(return_value=token_answer("AT-new"))
    phone_route = wechat.post(GET_PHONE).mock(return_value=phone_info())

    assert shopper_api.post(PHONE, {"code": "c1"}).status_code == 200

    assert token_route.call_count == 0
    assert phone_route.calls.last.request.url.params["access_token"] == "AT-from-other-worker"


# --- live: an invalid or expired token is refreshed exactly once ---------------------------------


@pytest.mark.parametrize("cache_kind", ["db", "redis"])
@pytest.mark.parametrize("errcode", [40001, 42001])
def test_token_error_forces_one_refresh_and_a_retry(shopper_api, shopper, request, errcode, cache_kind):
    wechat = (
        request.getfixturevalue("db_token_cache")
        if cache_kind == "db"
        else request.getfixturevalue("redis_token_cache")[0]
    )
    token_route = wechat.post(STABLE_TOKEN).mock(side_effect=[token_answer("AT-stale"), token_answer("AT-fresh")])
    phone_route = wechat.post(GET_PHONE).mock(side_effect=[wechat_err(errcode, "access_token expired"), phone_info()])

    response = shopper_api.post(PHONE, {"code": "c1"})

    assert response.status_code == 200, response.content
    assert [body["force_refresh"] for body in stable_token_bodies(token_route)] == [False, True]
    assert [c.request.url.params["access_token"] for c in phone_route.calls] == ["AT-stale", "AT-fresh"]
    # the fresh token replaced the stale one for everybody
    token_route.mock(side_effect=AssertionError("no third stable_token call expected"))
    phone_route.mock(return_value=phone_info("13900139000"))
    assert shopper_api.post(PHONE, {"code": "c2"}).status_code == 200
    assert phone_route.calls.last.request.url.params["access_token"] == "AT-fresh"
    shopper.refresh_from_db()
    assert shopper.phone == "13900139000"


def test_token_error_twice_gives_up_after_one_refresh(shopper_api, shopper, db_token_cache):
    wechat = db_token_cache
    token_route = wechat.post(STABLE_TOKEN).mock(side_effect=[token_answer("AT-1"), token_answer("AT-2")])
    phone_route = wechat.post(GET_PHONE).mock(return_value=wechat_err(40001, "invalid credential"))

    response = shopper_api.post(PHONE, {"code": "c1"})

    assert_error(response, 502, "WECHAT_ERROR")
    assert token_route.call_count == 2
    assert phone_route.call_count == 2
    shopper.refresh_from_db()
    assert shopper.phone == ""


def test_phone_code_error_is_not_retried(shopper_api, shopper, db_token_cache):
    wechat = db_token_cache
    token_route = wechat.post(STABLE_TOKEN).mock(return_value=token_answer("AT-1"))
    phone_route = wechat.post(GET_PHONE).mock(return_value=wechat_err(40029, "invalid code"))

    response = shopper_api.post(PHONE, {"code": "expired-phone-code"})

    assert_error(response, 400, "WECHAT_CODE_INVALID")
    assert token_route.call_count == 1
    assert phone_route.call_count == 1
    shopper.refresh_from_db()
    assert shopper.phone == ""


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        (wechat_err(45011, "api minute-quota reach limit"), 429, "WECHAT_RATE_LIMITED"),
        (wechat_err(-1, "system error"), 503, "WECHAT_BUSY"),
        (httpx.Response(502, text="Bad Gateway"), 503, "WECHAT_BUSY"),
        (wechat_ok(errcode=0, errmsg="ok"), 503, "WECHAT_BUSY"),  # no phone_info in the answer
    ],
)
def test_other_phone_errors(shopper_api, shopper, db_token_cache, answer, status, code):
    wechat = db_token_cache
    wechat.post(STABLE_TOKEN).mock(return_value=token_answer("AT-1"))
    wechat.post(GET_PHONE).mock(return_value=answer)

    assert_error(shopper_api.post(PHONE, {"code": "c1"}), status, code)
    shopper.refresh_from_db()
    assert shopper.phone == ""


def test_stable_token_failure_is_wechat_busy_and_nothing_is_cached(shopper_api, db_token_cache):
    wechat = db_token_cache
    wechat.post(STABLE_TOKEN).mock(side_effect=httpx.ConnectError("unreachable"))
    phone_route = wechat.post(GET_PHONE).mock(return_value=phone_info())

    assert_error(shopper_api.post(PHONE, {"code": "c1"}), 503, "WECHAT_BUSY")
    assert phone_route.call_count == 0
    assert not CachedAccessToken.objects.exists()


def test_access_token_never_reaches_the_logs(shopper_api, db_token_cache, caplog):
    wechat = db_token_cache
    wechat.post(STABLE_TOKEN).mock(return_value=token_answer("AT-very-secret"))
    wechat.post(GET_PHONE).mock(return_value=phone_info())

    with caplog.at_level("DEBUG"), caplog.at_level("DEBUG", logger="httpx"):
        shopper_api.post(PHONE, {"code": "c1"})

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "getuserphonenumber" in logged
    assert "AT-very-secret" not in logged


def test_unreachable_redis_falls_back_to_the_database_token_cache(shopper_api, shopper, wechat, settings):
    # given Redis is configured but nothing answers on its port
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    token_route = wechat.post(STABLE_TOKEN).mock(return_value=token_answer("AT-DB"))
    wechat.post(GET_PHONE).mock(return_value=phone_info())

    # when the phone is bound twice
    first = shopper_api.post(PHONE, {"code": "phone-code-1"})
    second = shopper_api.post(PHONE, {"code": "phone-code-2"})

    # then binding still works and the token is shared through the database instead
    assert first.status_code == second.status_code == 200
    assert token_route.call_count == 1
    assert CachedAccessToken.objects.get(appid=WECHAT_APPID).token == "AT-DB"
