"""Ninja auth classes. A shopper token opens shopper endpoints; only a staff token held by an
active staff user opens the operator API, so a leaked shopper token can never operate the shop."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from fenxiao.accounts.models import User
from fenxiao.accounts.selectors import token_user
from fenxiao.accounts.tokens import token_decode
from fenxiao.core.errors import Forbidden


class UserAuth(HttpBearer):
    """Any logged-in user (shopper or staff)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.strip():
            return None  # "Bearer" with nothing after it: not logged in, rather than a bad token
        return token_user(token_decode(token, expected_type="access"))


class StaffAuth(HttpBearer):
    # A valid token of someone who is not active staff is refused (STAFF_ONLY); see core.openapi_errors.
    openapi_error_statuses = (403,)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.strip():
            return None
        claims = token_decode(token, expected_type="access")
        user = token_user(claims)
        if claims.scope != "staff" or not user.is_staff:
            raise Forbidden("STAFF_ONLY", "仅限运营人员访问")
        return user


user_auth = UserAuth()
staff_auth = StaffAuth()
