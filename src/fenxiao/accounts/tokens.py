"""Bearer tokens for the mini-program and the operator API: short-lived access tokens and
long-lived refresh tokens, both JWTs signed with the server key. A token's ``scope`` says which
door it opens: ``user`` for shopper endpoints, ``staff`` for ``/api/v1/admin``.

A refresh token also names its login (``fam``, a ``RefreshFamily``) and its place in that login's
chain (``gen``); ``accounts.sessions`` lets each generation refresh once. Access tokens name
neither: checking one stays a signature and the user row, with no lookup of the login."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import jwt
from django.conf import settings
from django.utils import timezone

from fenxiao.core.errors import Unauthorized

Scope = Literal["user", "staff"]
TokenType = Literal["access", "refresh"]
ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_in: int


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    scope: Scope
    version: int
    token_type: TokenType
    # Refresh tokens only: the login they belong to and their generation in it.
    family: str = ""
    generation: int = 0


def _encode(user_id: int, scope: Scope, token_type: TokenType, version: int, **extra: object) -> str:
    now = timezone.now()
    ttl = settings.JWT_ACCESS_TTL if token_type == "access" else settings.JWT_REFRESH_TTL
    payload = extra | {
        "sub": str(user_id),
        "scope": scope,
        "typ": token_type,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        "ver": version,
    }
    return jwt.encode(payload, settings.JWT_SIGNING_KEY, algorithm=ALGORITHM)


def token_pair_issue(
    *, user_id: int, scope: Scope, version: int = 0, family: str | None = None, generation: int = 0
) -> TokenPair:
    """A pair for a login that ``accounts.sessions`` has recorded as ``family``. Without one (tests
    that only need an access token) the refresh token names a login that does not exist, and
    refreshing with it is refused."""
    return TokenPair(
        access=_encode(user_id, scope, "access", version),
        refresh=_encode(user_id, scope, "refresh", version, fam=family or uuid.uuid4().hex, gen=generation),
        access_expires_in=int(settings.JWT_ACCESS_TTL.total_seconds()),
    )


@lru_cache(maxsize=4096)
def _signed_claims(token: str, key: str) -> tuple[int, int, int, object, object, object, object]:
    """(exp, sub, ver, typ, scope, fam, gen) of a token whose signature and shape are good. Every
    signed-in request presents the same token again and again; checking its HMAC and parsing its
    JSON cost about 80 µs, so a process does it once per token. Expiry is not cached: ``token_decode``
    checks it on every use. Bad tokens raise, and exceptions are never cached."""
    payload = jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        # Tolerate small clock differences between app servers when checking "iat".
        leeway=30,
        options={"require": ["sub", "exp", "iat", "typ", "scope", "ver"], "verify_exp": False},
    )
    return (
        int(payload["exp"]),
        int(payload["sub"]),
        int(payload["ver"]),
        payload["typ"],
        payload["scope"],
        payload.get("fam"),
        payload.get("gen"),
    )


def token_decode(token: str, *, expected_type: TokenType) -> TokenClaims:
    """Check signature, expiry and type. The clock is Django's, so time-machine moves it in tests."""
    try:
        expires_at, user_id, version, token_type, scope, family, generation = _signed_claims(
            token, settings.JWT_SIGNING_KEY
        )
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录") from exc
    if expires_at <= int(timezone.now().timestamp()):
        raise Unauthorized("TOKEN_EXPIRED", "登录已过期，请重新登录")
    if token_type != expected_type or scope not in ("user", "staff"):
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录")
    if token_type == "access":
        return TokenClaims(user_id=user_id, scope=scope, token_type=token_type, version=version)
    # A refresh token from before rotation names no login: it is refused, and the client logs in.
    if not isinstance(family, str) or not family or type(generation) is not int or generation < 0:
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录")
    return TokenClaims(
        user_id=user_id, scope=scope, token_type=token_type, version=version, family=family, generation=generation
    )
