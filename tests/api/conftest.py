from __future__ import annotations

import pytest

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from tests.support import Api


@pytest.fixture
def anon() -> Api:
    return Api()


@pytest.fixture
def shopper(db) -> User:
    return User.objects.create(username="wx_sandbox-alice", openid="sandbox-alice", nickname="爱丽丝")


@pytest.fixture
def shopper_api(shopper) -> Api:
    return Api(token_pair_issue(user_id=shopper.id, scope="user").access)


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create(username="operator", is_staff=True)
    user.set_password("s3cret-pass-123")
    user.save()
    return user


@pytest.fixture
def staff_api(staff) -> Api:
    return Api(token_pair_issue(user_id=staff.id, scope="staff").access)
