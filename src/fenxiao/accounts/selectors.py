from __future__ import annotations

from django.db.models import QuerySet

from fenxiao.accounts.models import Address, User
from fenxiao.accounts.tokens import TokenClaims
from fenxiao.core.errors import NotFound, Unauthorized
from fenxiao.core.statements import row_get


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user).order_by("-is_default", "-updated_at", "-id")


def address_get(*, user: User, address_id: int) -> Address:
    """Another user's address is "not found": never confirm it exists."""
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFound("ADDRESS_NOT_FOUND", "收货地址不存在")
    return address


def token_user(claims: TokenClaims) -> User:
    """The active user a token speaks for, unless the user has since logged out everywhere.

    Every authenticated request runs this, so it reads the row through a prebuilt statement
    (``core.statements``): 0.1 ms of CPU instead of the ORM's 0.35."""
    return token_user_check(claims, row_get(User, "id = %s", [claims.user_id]))


def token_user_check(claims: TokenClaims, user: User | None) -> User:
    """``token_user`` for a caller that has already read the user's row itself (the seckill path
    reads it with its row lock, in one statement)."""
    if user is None or user.pk != claims.user_id or not user.is_active:
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录")
    if user.token_version != claims.version:
        raise Unauthorized("TOKEN_REVOKED", "登录已失效，请重新登录")
    return user
