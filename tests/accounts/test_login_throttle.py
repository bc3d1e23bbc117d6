"""The staff password throttle: one count for both doors (the operator API and the admin's login
page), per username and real client address behind the proxy, kept when Redis is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from fenxiao.accounts.login_throttle import sweep_login_throttles
from fenxiao.accounts.models import LoginThrottle
from tests.accounts.support import Api, assert_error
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

STAFF_LOGIN = "/api/v1/auth/staff-login"
ADMIN_LOGIN = "/admin/login/"
NGINX = "10.0.0.2"
ATTACKER = "203.0.113.66"
OPERATOR = "198.51.100.7"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def api_login(password: str, *, ip: str = "10.0.0.1", forwarded: str | None = None, username: str = "operator"):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return Api().client.post(
        STAFF_LOGIN,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
        headers=headers,
    )


def admin_login(password: str, *, ip: str = "10.0.0.1", browser: Client | None = None):
    browser = browser or Client()
    return browser.post(
        f"{ADMIN_LOGIN}?next=/admin/",
        {"username": "operator", "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def form_errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return list(response.context["form"].non_field_errors())


# --- the admin's login page -----------------------------------------------------------------------


def test_the_admin_login_page_still_signs_an_operator_in(staff):
    browser = Client()

    response = admin_login(STAFF_PASSWORD, browser=browser)

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_five_wrong_passwords_at_the_admin_page_lock_it(staff):
    # given five wrong passwords typed on the admin's login page
    for _ in range(5):
        assert "正确" in form_errors(admin_login("wrong-password"))[0]

    # when the right one comes next from the same address
    browser = Client()
    response = admin_login(STAFF_PASSWORD, browser=browser)

    # then the page refuses it with the wait, as a form error, and nobody is signed in
    assert form_errors(response) == ["密码错误次数过多，请 15 分钟后再试"]
    assert browser.get("/admin/").status_code == 302


def test_the_two_doors_share_one_count(staff):
    # three wrong at the API and two at the admin page lock both doors
    for _ in range(3):
        assert_error(api_login("wrong-password"), 401, "LOGIN_FAILED")
    for _ in range(2):
        admin_login("wrong-password")

    assert_error(api_login(STAFF_PASSWORD), 429, "LOGIN_THROTTLED")
    assert form_errors(admin_login(STAFF_PASSWORD)) == ["密码错误次数过多，请 15 分钟后再试"]


def test_an_admin_page_lockout_is_not_inherited_by_another_address(staff):
    for _ in range(5):
        admin_login("wrong-password", ip=ATTACKER)

    assert admin_login(STAFF_PASSWORD, ip=OPERATOR).status_code == 302


# --- behind the reverse proxy ---------------------------------------------------------------------


def test_behind_a_trusted_proxy_one_client_cannot_lock_out_another(staff, settings):
    # given nginx in front, trusted, passing each client's address on
    settings.TRUSTED_PROXIES = [NGINX]

    # when an attacker types five wrong passwords through it
    for _ in range(5):
        assert_error(api_login("wrong-password", ip=NGINX, forwarded=ATTACKER), 401, "LOGIN_FAILED")

    # then the attacker is locked out, and the operator, through the same nginx, is not
    assert_error(api_login(STAFF_PASSWORD, ip=NGINX, forwarded=ATTACKER), 429, "LOGIN_THROTTLED")
    response = api_login(STAFF_PASSWORD, ip=NGINX, forwarded=OPERATOR)
    assert response.status_code == 200, response.content


def test_a_forged_forwarded_header_does_not_buy_more_tries(staff, settings):
    # the client writes its own X-Forwarded-For; nginx appends the address it really sees
    settings.TRUSTED_PROXIES = [NGINX]
    for i in range(5):
        api_login("wrong-password", ip=NGINX, forwarded=f"192.0.2.{i}, {ATTACKER}")

    assert_error(api_login(STAFF_PASSWORD, ip=NGINX, forwarded=f"192.0.2.99, {ATTACKER}"), 429, "LOGIN_THROTTLED")


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(staff):
    for i in range(5):
        api_login("wrong-password", ip=ATTACKER, forwarded=f"192.0.2.{i}")

    assert_error(api_login(STAFF_PASSWORD, ip=ATTACKER, forwarded="192.0.2.99"), 429, "LOGIN_THROTTLED")


def test_an_ipv6_client_counts_by_its_64(staff):
    # one host holds a whole /64: walking through its addresses buys no more tries
    for i in range(1, 6):
        api_login("wrong-password", ip=f"2001:db8:1:2::{i}")

    assert_error(api_login(STAFF_PASSWORD, ip="2001:db8:1:2::99"), 429, "LOGIN_THROTTLED")
    assert api_login(STAFF_PASSWORD, ip="2001:db8:1:3::1").status_code == 200


# --- Redis down -----------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The shared cache and Redis itself point at a port nothing listens on: every call fails."""
    original = settings.CACHES
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {"default": {"BACKEND": "fenxiao.core.cache_backend.RedisCache", "LOCATION": settings.REDIS_URL}}
    yield
    settings.CACHES = original  # before the autouse fixture clears the cache on the way out


def test_with_redis_down_staff_login_works(redis_down, staff):
    response = api_login(STAFF_PASSWORD)

    assert response.status_code == 200, response.content


def test_with_redis_down_the_lockout_still_holds(redis_down, staff):
    for _ in range(5):
        assert_error(api_login("wrong-password"), 401, "LOGIN_FAILED")

    assert_error(api_login(STAFF_PASSWORD), 429, "LOGIN_THROTTLED")
    assert form_errors(admin_login(STAFF_PASSWORD)) == ["密码错误次数过多，请 15 分钟后再试"]


# --- the message and the rows ---------------------------------------------------------------------


def test_the_refusal_names_the_time_left(staff, time_machine):
    time_machine.move_to(START, tick=False)
    for _ in range(5):
        api_login("wrong-password")

    time_machine.move_to(START + timedelta(minutes=10, seconds=30), tick=False)

    body = assert_error(api_login(STAFF_PASSWORD), 429, "LOGIN_THROTTLED")
    assert body["message"] == "密码错误次数过多，请 5 分钟后再试"


def test_refused_tries_do_not_extend_the_lockout(staff, time_machine):
    # an attacker who keeps knocking during the lockout does not keep the pair locked for ever
    time_machine.move_to(START, tick=False)
    for _ in range(5):
        api_login("wrong-password")
    for minute in range(1, 15):
        time_machine.move_to(START + timedelta(minutes=minute), tick=False)
        assert_error(api_login("wrong-password"), 429, "LOGIN_THROTTLED")

    time_machine.move_to(START + timedelta(minutes=15, seconds=1), tick=False)
    assert api_login(STAFF_PASSWORD).status_code == 200


def test_the_sweep_forgets_ended_windows_only(staff, time_machine):
    time_machine.move_to(START, tick=False)
    api_login("wrong-password", ip="10.0.0.1")
    time_machine.move_to(START + timedelta(minutes=10), tick=False)
    api_login("wrong-password", ip="10.0.0.2")

    removed = sweep_login_throttles(now=START + timedelta(minutes=16))

    assert removed == 1
    assert list(LoginThrottle.objects.values_list("address", flat=True)) == ["10.0.0.2"]


def test_a_right_password_leaves_no_row(staff):
    api_login("wrong-password")
    assert LoginThrottle.objects.count() == 1

    assert api_login(STAFF_PASSWORD).status_code == 200

    assert not LoginThrottle.objects.exists()
