"""Ninja auth classes. A shopper token opens shopper endpoints; only a staff token held by an
active staff user opens the operator API, so a leaked shopper token can never operate the shop."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_decode
from fenxiao.core.errors import Forbidden, Unauthorized


def _active_user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录")
    return user


class UserAuth(HttpBearer):
    """Any logged-in user (shopper or staff)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.strip():
            return None  # "Bearer" with nothing after it: not logged in, rather than a bad token
        claims = token_decode(token, expected_type="access")
        return _active_user(claims.user_id)


class StaffAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.strip():
            return None
        claims = token_decode(token, expected_type="access")
        user = _active_user(claims.user_id)
        if claims.scope != "staff" or not user.is_staff:
            raise Forbidden("STAFF_ONLY", "仅限运营人员访问")
        return user


user_auth = UserAuth()
staff_auth = StaffAuth()
