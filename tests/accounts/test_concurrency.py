"""Real threads against PostgreSQL: first logins that race, address writes that race, password
guesses that race the throttle, refreshes that race each other."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.contrib.auth.signals import user_login_failed

from fenxiao.accounts.models import Address, RefreshFamily, User
from tests.accounts.support import Api, access_for, login_pair
from tests.concurrency import run_together_ok
from tests.factories import STAFF_PASSWORD, AddressFactory, StaffUserFactory, UserFactory
from tests.support import HOME_ADDRESS

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 10
STAFF_LOGIN = "/api/v1/auth/staff-login"
HOME = {k: v for k, v in HOME_ADDRESS.items() if k not in ("postal_code", "tag")}


def test_simultaneous_first_logins_create_exactly_one_user():
    # given a brand-new sandbox code, when ten taps log in with it at the same instant
    statuses_and_ids: list[tuple[int, int]] = []
    lock = threading.Lock()

    def login(_: int) -> int:
        response = Api().post("/api/v1/auth/wechat-login", {"code": "sandbox-racer"})
        with lock:
            statuses_and_ids.append((response.status_code, response.json()["user"]["id"]))
        return response.status_code

    statuses = run_together_ok(login)

    # then every one succeeds and all are the same single user
    assert statuses == [200] * THREADS
    assert User.objects.filter(openid="sandbox-racer").count() == 1
    assert {uid for _, uid in statuses_and_ids} == {User.objects.get(openid="sandbox-racer").pk}


def test_simultaneous_default_addresses_leave_exactly_one_default():
    user = UserFactory()
    token = access_for(user)

    statuses = run_together_ok(
        lambda i: Api(token).post("/api/v1/addresses", HOME | {"detail": f"地址 {i}", "is_default": True}).status_code
    )

    assert statuses == [201] * THREADS
    assert Address.objects.filter(user=user).count() == THREADS
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_simultaneous_creates_never_pass_the_limit():
    # given 15 addresses, when ten more are added at once, exactly five fit
    user = UserFactory()
    AddressFactory(user=user, is_default=True)
    AddressFactory.create_batch(14, user=user)
    token = access_for(user)

    statuses = run_together_ok(
        lambda i: Api(token).post("/api/v1/addresses", HOME | {"detail": f"新地址 {i}"}).status_code
    )

    assert Counter(statuses) == {201: 5, 400: 5}
    assert Address.objects.filter(user=user).count() == 20
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_simultaneous_deletes_and_default_switches_keep_one_default():
    user = UserFactory()
    first = AddressFactory(user=user, is_default=True)
    others = AddressFactory.create_batch(THREADS, user=user)
    token = access_for(user)

    def act(i: int) -> int:
        api = Api(token)
        if i == 0:
            return api.delete(f"/api/v1/addresses/{first.pk}").status_code
        return api.patch(f"/api/v1/addresses/{others[i].pk}", {"is_default": True}).status_code

    statuses = run_together_ok(act)

    assert statuses == [204] + [200] * (THREADS - 1)
    assert Address.objects.filter(user=user).count() == THREADS
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_thirty_wrong_passwords_at_once_check_at_most_five(settings):
    # given an operator whose password takes a realistic time to check
    settings.PASSWORD_HASHERS = ["tests.accounts.support.RealisticPasswordHasher"]
    StaffUserFactory(username="operator")
    checked = Counter()
    lock = threading.Lock()

    def count_check(sender, credentials, request=None, **kwargs):
        with lock:
            checked["wrong"] += 1

    # when thirty wrong passwords arrive at the same instant from one address
    user_login_failed.connect(count_check)
    try:
        responses = run_together_ok(
            lambda i: Api().post(STAFF_LOGIN, {"username": "operator", "password": f"guess-{i}"}), n=30
        )
    finally:
        user_login_failed.disconnect(count_check)

    # then five passwords are checked and refused, the other twenty-five are refused unchecked
    codes = Counter(r.json()["code"] for r in responses)
    assert checked["wrong"] == 5
    assert codes == {"LOGIN_FAILED": 5, "LOGIN_THROTTLED": 25}
    # and the right password is refused too until the lockout ends
    assert Api().post(STAFF_LOGIN, {"username": "operator", "password": STAFF_PASSWORD}).status_code == 429


def test_simultaneous_refreshes_of_one_token_all_succeed_and_move_the_login_once():
    # the mini-program's requests all found the access token expired and refresh at once
    user = UserFactory()
    pair = login_pair(user)

    responses = run_together_ok(lambda i: Api().post("/api/v1/auth/refresh", {"refresh": pair.refresh}))

    assert [r.status_code for r in responses] == [200] * THREADS
    family = RefreshFamily.objects.get(user=user)
    assert family.generation == 1 and family.revoked_at is None
    # whichever answer the client keeps refreshes on
    kept = responses[-1].json()["refresh"]
    assert Api().post("/api/v1/auth/refresh", {"refresh": kept}).status_code == 200
