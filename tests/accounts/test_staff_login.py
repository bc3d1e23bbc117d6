"""Operator password login, its lockout, and the staff-only door of the operator API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import Forbidden, Unauthorized
from tests.accounts.support import Api, access_for, assert_error
from tests.factories import STAFF_PASSWORD, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_LOGIN = "/api/v1/auth/staff-login"
ADMIN_PRODUCTS = "/api/v1/admin/products"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _login(api: Api, username: str, password: str, ip: str = "10.0.0.1"):
    return api.client.post(
        STAFF_LOGIN, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=ip
    )


def test_staff_logs_in_with_password_and_gets_a_staff_token(anon, staff):
    response = _login(anon, "operator", STAFF_PASSWORD)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["id"] == staff.pk
    assert body["user"]["is_staff"] is True
    assert Api(body["access"]).get(ADMIN_PRODUCTS).status_code == 200
    staff.refresh_from_db()
    assert staff.last_login is not None


def test_wrong_password_is_login_failed(anon, staff):
    body = assert_error(_login(anon, "operator", "wrong-password"), 401, "LOGIN_FAILED")
    assert body["message"] == "用户名或密码错误"


def test_unknown_username_looks_like_a_wrong_password(anon, staff):
    assert_error(_login(anon, "nobody", STAFF_PASSWORD), 401, "LOGIN_FAILED")


def test_non_staff_with_the_right_password_is_refused(anon):
    shopper = UserFactory(username="shopper-with-password")
    shopper.set_password(STAFF_PASSWORD)
    shopper.save()

    assert_error(_login(anon, "shopper-with-password", STAFF_PASSWORD), 401, "LOGIN_FAILED")


def test_disabled_staff_is_refused(anon):
    StaffUserFactory(username="gone", is_active=False)

    assert_error(_login(anon, "gone", STAFF_PASSWORD), 401, "LOGIN_FAILED")


def test_wechat_user_without_password_cannot_staff_login(anon):
    UserFactory(openid="sandbox-alice", is_staff=True)

    assert_error(_login(anon, "wx_sandbox-alice", ""), 422, "VALIDATION_ERROR")
    assert_error(_login(anon, "wx_sandbox-alice", "!"), 401, "LOGIN_FAILED")


def test_five_failures_lock_out_even_the_right_password(anon, staff):
    # given five wrong passwords
    for _ in range(5):
        assert_error(_login(anon, "operator", "wrong-password"), 401, "LOGIN_FAILED")

    # when the right password comes next
    response = _login(anon, "operator", STAFF_PASSWORD)

    # then it is refused too, with a message naming the wait
    body = assert_error(response, 429, "LOGIN_THROTTLED")
    assert "15 分钟" in body["message"]


def test_four_failures_then_success_clears_the_count(anon, staff):
    for _ in range(4):
        _login(anon, "operator", "wrong-password")
    assert _login(anon, "operator", STAFF_PASSWORD).status_code == 200

    for _ in range(4):
        assert_error(_login(anon, "operator", "wrong-password"), 401, "LOGIN_FAILED")
    assert _login(anon, "operator", STAFF_PASSWORD).status_code == 200


def test_lockout_is_per_username_and_address(anon, staff):
    StaffUserFactory(username="other-operator")
    for _ in range(5):
        _login(anon, "operator", "wrong-password", ip="10.0.0.1")

    assert_error(_login(anon, "operator", STAFF_PASSWORD, ip="10.0.0.1"), 429, "LOGIN_THROTTLED")
    assert _login(anon, "operator", STAFF_PASSWORD, ip="10.0.0.2").status_code == 200
    assert _login(anon, "other-operator", STAFF_PASSWORD, ip="10.0.0.1").status_code == 200


def test_username_case_does_not_dodge_the_lockout(anon, staff):
    for name in ["operator", "OPERATOR", "Operator", "oPerator", "operatoR"]:
        _login(anon, name, "wrong-password")

    assert_error(_login(anon, "operator", STAFF_PASSWORD), 429, "LOGIN_THROTTLED")


def test_lockout_message_follows_the_setting(anon, staff, settings):
    settings.STAFF_LOGIN_LOCKOUT_SECONDS = 30 * 60
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _login(anon, "operator", "wrong-password")

    body = assert_error(_login(anon, "operator", STAFF_PASSWORD), 429, "LOGIN_THROTTLED")
    assert "30 分钟" in body["message"]


def test_lockout_expires_after_the_lockout_period(anon, staff, time_machine):
    # given five failures at 09:00
    time_machine.move_to(START, tick=False)
    for _ in range(5):
        _login(anon, "operator", "wrong-password")

    # when 14 minutes pass, the lock still holds
    time_machine.move_to(START + timedelta(minutes=14), tick=False)
    assert_error(_login(anon, "operator", STAFF_PASSWORD), 429, "LOGIN_THROTTLED")

    # then after 15 minutes the right password works again
    time_machine.move_to(START + timedelta(minutes=15, seconds=1), tick=False)
    assert _login(anon, "operator", STAFF_PASSWORD).status_code == 200


def test_lockout_lasts_the_full_period_from_the_last_failure(anon, staff, time_machine):
    # given four failures at 09:00 and the fifth at 09:14
    time_machine.move_to(START, tick=False)
    for _ in range(4):
        _login(anon, "operator", "wrong-password")
    time_machine.move_to(START + timedelta(minutes=14), tick=False)
    _login(anon, "operator", "wrong-password")

    # when 09:20 comes (past the first failure's window, inside the lock's 15 minutes)
    time_machine.move_to(START + timedelta(minutes=20), tick=False)

    # then the account is still locked, as the message promised
    assert_error(_login(anon, "operator", STAFF_PASSWORD), 429, "LOGIN_THROTTLED")
    time_machine.move_to(START + timedelta(minutes=29, seconds=1), tick=False)
    assert _login(anon, "operator", STAFF_PASSWORD).status_code == 200


def test_failures_outside_the_window_do_not_add_up(anon, staff, time_machine):
    time_machine.move_to(START, tick=False)
    for _ in range(4):
        _login(anon, "operator", "wrong-password")

    time_machine.move_to(START + timedelta(minutes=16), tick=False)
    _login(anon, "operator", "wrong-password")

    assert _login(anon, "operator", STAFF_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "x"}, "username"),
        ({"username": "operator"}, "password"),
        ({"username": " ", "password": "x"}, "username"),
        ({"username": "operator", "password": 123}, "password"),
    ],
)
def test_staff_login_validation(anon, staff, body, field):
    err = assert_error(anon.post(STAFF_LOGIN, body), 422, "VALIDATION_ERROR")
    assert err["field"] == field


# --- staff tokens vs shopper tokens on the operator API -------------------------------------------


def test_shopper_token_on_operator_endpoint_is_staff_only(shopper):
    assert_error(Api(access_for(shopper)).get(ADMIN_PRODUCTS), 403, "STAFF_ONLY")


def test_staff_member_with_shopper_scope_token_is_staff_only(staff):
    # a token from WeChat login never opens the operator API, even for a staff member
    assert_error(Api(access_for(staff, scope="user")).get(ADMIN_PRODUCTS), 403, "STAFF_ONLY")


def test_staff_scope_token_of_a_former_staff_member_is_staff_only(staff):
    token = access_for(staff, scope="staff")
    staff.is_staff = False
    staff.save()

    assert_error(Api(token).get(ADMIN_PRODUCTS), 403, "STAFF_ONLY")


def test_operator_endpoint_without_token_is_unauthorized(anon, db):
    assert_error(anon.get(ADMIN_PRODUCTS), 401, "UNAUTHORIZED")


def test_staff_auth_directly():
    # the same rules at the auth class itself, independent of any operator route
    operator = StaffUserFactory()
    shopper = UserFactory()
    rf = RequestFactory()

    def call(token: str):
        return staff_auth(rf.get("/", headers={"Authorization": f"Bearer {token}"}))

    assert call(access_for(operator, scope="staff")) == operator
    with pytest.raises(Forbidden) as denied:
        call(access_for(shopper, scope="user"))
    assert denied.value.code == "STAFF_ONLY"
    with pytest.raises(Forbidden):
        call(access_for(shopper, scope="staff"))  # a forged staff scope for a non-staff user
    with pytest.raises(Unauthorized) as invalid:
        call("garbage")
    assert invalid.value.code == "TOKEN_INVALID"
    assert staff_auth(rf.get("/")) is None
