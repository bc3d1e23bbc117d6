"""A refresh token works once. The same token again soon after is a client retrying a lost answer
and gets the current tokens; later, or an older one, means the token was copied, and the whole
login ends. Other logins of the same person are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.conf import settings

from fenxiao.accounts.models import RefreshFamily
from fenxiao.accounts.sessions import sweep_refresh_families
from fenxiao.accounts.tokens import ALGORITHM
from tests.accounts.support import Api, assert_error, login_pair
from tests.factories import STAFF_PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def refresh(token: str):
    return Api().post(REFRESH, {"refresh": token})


def refreshed(token: str) -> dict:
    response = refresh(token)
    assert response.status_code == 200, response.content
    return response.json()


def after_the_grace(time_machine, since: datetime = START) -> None:
    time_machine.move_to(since + settings.JWT_REFRESH_REUSE_GRACE + timedelta(seconds=1), tick=False)


def test_a_used_refresh_token_stops_working(shopper, time_machine):
    # given alice refreshed once
    time_machine.move_to(START, tick=False)
    first = login_pair(shopper)
    second = refreshed(first.refresh)

    # when her first refresh token is presented again, well after
    after_the_grace(time_machine)
    response = refresh(first.refresh)

    # then it is refused, and her login ends: the token she got in exchange is refused as well
    assert_error(response, 401, "TOKEN_REVOKED")
    assert_error(refresh(second["refresh"]), 401, "TOKEN_REVOKED")
    assert RefreshFamily.objects.get(user=shopper).revoked_at is not None


def test_a_thief_who_refreshes_first_loses_the_login_when_the_owner_refreshes(shopper, time_machine):
    # given a copy of alice's refresh token, which the thief uses first
    time_machine.move_to(START, tick=False)
    stolen = login_pair(shopper)
    thief = refreshed(stolen.refresh)

    # when alice's app refreshes with its own (same) token later on
    time_machine.move_to(START + timedelta(hours=1), tick=False)
    assert_error(refresh(stolen.refresh), 401, "TOKEN_REVOKED")

    # then the thief's refresh token is dead too; alice logs in again
    assert_error(refresh(thief["refresh"]), 401, "TOKEN_REVOKED")


def test_a_retry_within_the_grace_gets_working_tokens(shopper, time_machine):
    # given the answer to a refresh was lost on the way to the phone
    time_machine.move_to(START, tick=False)
    pair = login_pair(shopper)
    refreshed(pair.refresh)

    # when the phone retries with the same token a moment later
    time_machine.move_to(START + settings.JWT_REFRESH_REUSE_GRACE - timedelta(seconds=1), tick=False)
    retry = refreshed(pair.refresh)

    # then it gets tokens that work and refresh, and the login goes on
    assert Api(retry["access"]).get(ME).json()["id"] == shopper.pk
    after_the_grace(time_machine)
    assert refreshed(retry["refresh"])["user"]["id"] == shopper.pk
    assert RefreshFamily.objects.get(user=shopper).revoked_at is None


def test_the_grace_covers_the_previous_token_only(shopper, time_machine):
    # given two refreshes in quick succession
    time_machine.move_to(START, tick=False)
    first = login_pair(shopper)
    second = refreshed(first.refresh)
    refreshed(second["refresh"])

    # when the first token comes back, still within seconds
    response = refresh(first.refresh)

    # then it is two generations old: a copy, and the login ends
    assert_error(response, 401, "TOKEN_REVOKED")
    assert RefreshFamily.objects.get(user=shopper).revoked_at is not None


def test_a_copied_token_ends_only_its_own_login(shopper, time_machine):
    # given alice logged in on her phone and on her tablet
    time_machine.move_to(START, tick=False)
    phone = login_pair(shopper)
    tablet = login_pair(shopper)

    # when the phone's refresh token is reused
    refreshed(phone.refresh)
    after_the_grace(time_machine)
    assert_error(refresh(phone.refresh), 401, "TOKEN_REVOKED")

    # then the tablet's login goes on
    assert refreshed(tablet.refresh)["user"]["id"] == shopper.pk


def test_each_refresh_answers_a_token_for_the_next(shopper, time_machine):
    # a phone that refreshes every two hours for a week never trips the reuse check
    time_machine.move_to(START, tick=False)
    token = login_pair(shopper).refresh
    for step in range(1, 85):
        time_machine.move_to(START + timedelta(hours=2 * step), tick=False)
        token = refreshed(token)["refresh"]

    assert RefreshFamily.objects.get(user=shopper).generation == 84


def test_logins_through_the_api_start_a_login_that_rotates(anon, staff):
    # given the operator signs in with a password
    login = anon.post("/api/v1/auth/staff-login", {"username": "operator", "password": STAFF_PASSWORD}).json()

    # when the refresh token is used twice, the second time long after the first
    first = refreshed(login["refresh"])
    family = RefreshFamily.objects.get(user=staff)
    RefreshFamily.objects.filter(pk=family.pk).update(
        rotated_at=family.rotated_at - settings.JWT_REFRESH_REUSE_GRACE - timedelta(seconds=1)
    )

    # then the second use ends the login
    assert_error(refresh(login["refresh"]), 401, "TOKEN_REVOKED")
    assert_error(refresh(first["refresh"]), 401, "TOKEN_REVOKED")


def test_a_refresh_token_from_before_rotation_is_refused(shopper):
    # tokens issued before this release name no login: the client logs in again
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {"sub": str(shopper.pk), "scope": "user", "typ": "refresh", "iat": now, "exp": now + 600, "ver": 0}
    legacy = jwt.encode(claims, settings.JWT_SIGNING_KEY, ALGORITHM)

    assert_error(refresh(legacy), 401, "TOKEN_INVALID")


def test_a_refresh_token_of_an_unknown_login_is_refused(shopper):
    from fenxiao.accounts.tokens import token_pair_issue

    assert_error(refresh(token_pair_issue(user_id=shopper.pk, scope="user").refresh), 401, "TOKEN_REVOKED")


def test_another_users_login_cannot_be_refreshed_with_a_forged_subject(shopper):
    # the family belongs to its user: a token naming bob's login but alice's id does not refresh
    bob = StaffUserFactory()
    bobs = login_pair(bob)
    family = jwt.decode(bobs.refresh, settings.JWT_SIGNING_KEY, algorithms=[ALGORITHM])["fam"]
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {"sub": str(shopper.pk), "scope": "user", "typ": "refresh", "iat": now, "exp": now + 600, "ver": 0}
    forged = jwt.encode(claims | {"fam": family, "gen": 0}, settings.JWT_SIGNING_KEY, ALGORITHM)

    assert_error(refresh(forged), 401, "TOKEN_REVOKED")
    assert refreshed(bobs.refresh)["user"]["id"] == bob.pk


def test_logout_everywhere_ends_every_login(shopper):
    phone, tablet = login_pair(shopper), login_pair(shopper)

    assert Api(phone.access).post("/api/v1/auth/logout").status_code == 204

    for pair in (phone, tablet):
        assert_error(refresh(pair.refresh), 401, "TOKEN_REVOKED")
    assert RefreshFamily.objects.filter(user=shopper, revoked_at__isnull=True).count() == 0


def test_access_tokens_are_still_checked_without_a_login_lookup(shopper, django_assert_num_queries):
    # the hot path: an authenticated request reads the user row and nothing about its login
    api = Api(login_pair(shopper).access)
    api.get(ME)

    with django_assert_num_queries(1):
        assert api.get(ME).status_code == 200


def test_the_sweep_forgets_logins_nobody_can_refresh(shopper, time_machine):
    time_machine.move_to(START, tick=False)
    old = login_pair(shopper)
    time_machine.move_to(START + timedelta(days=20), tick=False)
    recent = login_pair(shopper)

    later = START + settings.JWT_REFRESH_TTL + settings.JWT_REFRESH_REUSE_GRACE + timedelta(seconds=1)
    removed = sweep_refresh_families(now=later)

    assert removed == 1
    time_machine.move_to(later, tick=False)
    assert_error(refresh(old.refresh), 401, "TOKEN_EXPIRED")
    assert refreshed(recent.refresh)["user"]["id"] == shopper.pk
