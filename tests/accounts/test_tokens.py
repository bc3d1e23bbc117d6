"""Access and refresh tokens: which token opens which door, and for how long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.conf import settings

from fenxiao.accounts.tokens import ALGORITHM, token_pair_issue
from tests.accounts.support import Api, access_for, assert_error, login_pair
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _forge(**claims) -> str:
    now = int(datetime.now(tz=UTC).timestamp())
    payload = {"sub": "1", "scope": "user", "typ": "access", "iat": now, "exp": now + 600, "ver": 0} | claims
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, settings.JWT_SIGNING_KEY, ALGORITHM)


def test_me_with_access_token(shopper):
    response = Api(access_for(shopper)).get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == shopper.pk
    assert body["nickname"] == "爱丽丝"
    assert body["is_staff"] is False
    assert body["has_phone"] is False


def test_me_without_token_is_unauthorized(anon):
    assert_error(anon.get(ME), 401, "UNAUTHORIZED")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Token abc", ""])
def test_me_with_other_authorization_schemes_is_unauthorized(shopper, header):
    response = Api().client.get(ME, headers={"Authorization": header})

    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.xxxx"])
def test_me_with_garbage_token_is_token_invalid(shopper, token):
    assert_error(Api(token).get(ME), 401, "TOKEN_INVALID")


def test_token_signed_with_another_key_is_invalid(shopper):
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {"sub": str(shopper.pk), "scope": "user", "typ": "access", "iat": now, "exp": now + 600}
    forged = jwt.encode(claims, "not-our-key-but-long-enough-for-hmac-256", ALGORITHM)

    assert_error(Api(forged).get(ME), 401, "TOKEN_INVALID")


def test_unsigned_token_is_invalid(shopper):
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {"sub": str(shopper.pk), "scope": "user", "typ": "access", "iat": now, "exp": now + 600}
    unsigned = jwt.encode(claims, None, algorithm="none")

    assert_error(Api(unsigned).get(ME), 401, "TOKEN_INVALID")


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"sub": "abc"}, id="sub-not-a-number"),
        pytest.param({"sub": None}, id="no-sub"),
        pytest.param({"scope": "admin"}, id="unknown-scope"),
        pytest.param({"scope": None}, id="no-scope"),
        pytest.param({"typ": None}, id="no-type"),
        pytest.param({"exp": "tomorrow"}, id="exp-not-a-number"),
        pytest.param({"ver": None}, id="no-version"),
        pytest.param({"ver": "v1"}, id="version-not-a-number"),
    ],
)
def test_tokens_with_bad_claims_are_invalid(shopper, claims):
    token = _forge(**({"sub": str(shopper.pk)} | claims))

    assert_error(Api(token).get(ME), 401, "TOKEN_INVALID")


def test_a_token_already_accepted_is_still_refused_after_the_key_changes(shopper, settings):
    token = access_for(shopper)
    api = Api(token)
    assert api.get(ME).status_code == 200

    settings.JWT_SIGNING_KEY = "a-rotated-signing-key-long-enough-for-hmac-256"

    assert_error(api.get(ME), 401, "TOKEN_INVALID")


def test_a_tampered_copy_of_an_accepted_token_is_refused(shopper):
    token = access_for(shopper)
    assert Api(token).get(ME).status_code == 200
    header, _payload, signature = token.split(".")
    other = _forge(sub=str(shopper.pk + 1)).split(".")[1]

    assert_error(Api(f"{header}.{other}.{signature}").get(ME), 401, "TOKEN_INVALID")


def test_token_for_deleted_user_is_invalid(shopper):
    token = access_for(shopper)
    shopper.delete()

    assert_error(Api(token).get(ME), 401, "TOKEN_INVALID")


def test_access_token_expires_after_its_ttl(shopper, time_machine):
    # given a token issued at 09:00
    time_machine.move_to(START, tick=False)
    api = Api(access_for(shopper))
    ttl = settings.JWT_ACCESS_TTL

    # when the clock reaches one second before the expiry, it still works
    time_machine.move_to(START + ttl - timedelta(seconds=1), tick=False)
    assert api.get(ME).status_code == 200

    # then at the expiry it is refused as expired (not as invalid, so the client knows to refresh)
    time_machine.move_to(START + ttl, tick=False)
    assert_error(api.get(ME), 401, "TOKEN_EXPIRED")


def test_refresh_token_cannot_be_used_as_access_token(shopper):
    pair = token_pair_issue(user_id=shopper.pk, scope="user")

    assert_error(Api(pair.refresh).get(ME), 401, "TOKEN_INVALID")


def test_access_token_cannot_be_used_to_refresh(anon, shopper):
    pair = token_pair_issue(user_id=shopper.pk, scope="user")

    assert_error(anon.post(REFRESH, {"refresh": pair.access}), 401, "TOKEN_INVALID")


def test_refresh_returns_a_new_working_pair(anon, shopper, time_machine):
    # given alice's access token has expired but her refresh token has not
    time_machine.move_to(START, tick=False)
    pair = login_pair(shopper, "user")
    time_machine.move_to(START + settings.JWT_ACCESS_TTL + timedelta(minutes=1), tick=False)
    assert_error(Api(pair.access).get(ME), 401, "TOKEN_EXPIRED")

    # when she refreshes
    response = anon.post(REFRESH, {"refresh": pair.refresh})

    # then she gets a new pair whose access token works and whose refresh token refreshes
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["id"] == shopper.pk
    assert body["access"] != pair.access and body["refresh"] != pair.refresh
    assert Api(body["access"]).get(ME).json()["id"] == shopper.pk
    assert anon.post(REFRESH, {"refresh": body["refresh"]}).status_code == 200


def test_expired_refresh_token_is_refused(anon, shopper, time_machine):
    time_machine.move_to(START, tick=False)
    pair = login_pair(shopper, "user")

    time_machine.move_to(START + settings.JWT_REFRESH_TTL, tick=False)

    assert_error(anon.post(REFRESH, {"refresh": pair.refresh}), 401, "TOKEN_EXPIRED")


@pytest.mark.parametrize("body", [{}, {"refresh": ""}, {"refresh": 42}])
def test_refresh_needs_a_token(anon, body):
    err = assert_error(anon.post(REFRESH, body), 422, "VALIDATION_ERROR")
    assert err["field"] == "refresh"


def test_refresh_with_garbage_is_invalid(anon, db):
    assert_error(anon.post(REFRESH, {"refresh": "garbage"}), 401, "TOKEN_INVALID")


def test_disabled_user_loses_access_and_refresh(anon, shopper):
    pair = login_pair(shopper, "user")
    shopper.is_active = False
    shopper.save()

    assert_error(Api(pair.access).get(ME), 401, "TOKEN_INVALID")
    assert_error(anon.post(REFRESH, {"refresh": pair.refresh}), 401, "TOKEN_INVALID")


def test_staff_refresh_keeps_staff_scope(anon):
    operator = StaffUserFactory()
    pair = login_pair(operator, "staff")

    body = anon.post(REFRESH, {"refresh": pair.refresh}).json()

    assert Api(body["access"]).get("/api/v1/admin/products").status_code == 200


def test_staff_refresh_refused_once_staff_rights_are_removed(anon):
    operator = StaffUserFactory()
    pair = login_pair(operator, "staff")
    operator.is_staff = False
    operator.save()

    assert_error(anon.post(REFRESH, {"refresh": pair.refresh}), 401, "TOKEN_INVALID")


def test_shopper_refresh_never_grants_staff_scope(anon):
    # a staff member who logged in as a shopper (scope user) stays a shopper after refresh
    operator = StaffUserFactory()
    pair = login_pair(operator, "user")

    body = anon.post(REFRESH, {"refresh": pair.refresh}).json()

    assert_error(Api(body["access"]).get("/api/v1/admin/products"), 403, "STAFF_ONLY")


def test_staff_token_also_opens_shopper_endpoints():
    operator = StaffUserFactory()

    response = Api(access_for(operator, scope="staff")).get(ME)

    assert response.status_code == 200
    assert response.json()["is_staff"] is True


def test_user_tokens_are_not_interchangeable(db):
    alice, bob = UserFactory(), UserFactory()

    assert Api(access_for(alice)).get(ME).json()["id"] == alice.pk
    assert Api(access_for(bob)).get(ME).json()["id"] == bob.pk


def test_a_forged_token_with_every_claim_right_is_accepted(shopper):
    # guards the forging helper above: the bad-claims cases fail for their one bad claim only
    assert Api(_forge(sub=str(shopper.pk))).get(ME).status_code == 200


def test_logout_revokes_every_token_on_every_device(anon, shopper):
    # given alice is logged in on her phone and her tablet
    phone = login_pair(shopper, "user")
    tablet = login_pair(shopper, "user")

    # when she logs out on the phone
    response = Api(phone.access).post("/api/v1/auth/logout")

    # then no token of hers opens anything or refreshes, on either device
    assert response.status_code == 204
    for pair in (phone, tablet):
        assert_error(Api(pair.access).get(ME), 401, "TOKEN_REVOKED")
        assert_error(anon.post(REFRESH, {"refresh": pair.refresh}), 401, "TOKEN_REVOKED")
    # and logging in again gives tokens that work
    login = anon.post("/api/v1/auth/wechat-login", {"code": shopper.openid})
    assert login.status_code == 200, login.content
    assert Api(login.json()["access"]).get(ME).json()["id"] == shopper.pk


def test_logout_needs_a_login(anon):
    assert_error(anon.post("/api/v1/auth/logout"), 401, "UNAUTHORIZED")


def test_staff_logout_closes_the_operator_api(anon):
    staff = StaffUserFactory()
    token = access_for(staff, scope="staff")
    assert Api(token).get("/api/v1/admin/products").status_code == 200
    assert Api(token).post("/api/v1/auth/logout").status_code == 204
    assert_error(Api(token).get("/api/v1/admin/products"), 401, "TOKEN_REVOKED")
