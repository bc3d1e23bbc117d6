"""Bearer tokens for the mini-program and the operator API: short-lived access tokens and
long-lived refresh tokens, both JWTs signed with the server key. A token's ``scope`` says which
door it opens: ``user`` for shopper endpoints, ``staff`` for ``/api/v1/admin``."""

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


def _encode(user_id: int, scope: Scope, token_type: TokenType, version: int) -> str:
    now = timezone.now()
    ttl = settings.JWT_ACCESS_TTL if token_type == "access" else settings.JWT_REFRESH_TTL
    payload = {
        "sub": str(user_id),
        "scope": scope,
        "typ": token_type,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        "ver": version,
    }
    return jwt.encode(payload, settings.JWT_SIGNING_KEY, algorithm=ALGORITHM)


def token_pair_issue(*, user_id: int, scope: Scope, version: int = 0) -> TokenPair:
    return TokenPair(
        access=_encode(user_id, scope, "access", version),
        refresh=_encode(user_id, scope, "refresh", version),
        access_expires_in=int(settings.JWT_ACCESS_TTL.total_seconds()),
    )


@lru_cache(maxsize=4096)
def _signed_claims(token: str, key: str) -> tuple[int, int, int, object, object]:
    """(exp, sub, ver, typ, scope) of a token whose signature and shape are good. Every signed-in
    request presents the same token again and again; checking its HMAC and parsing its JSON cost
    about 80 µs, so a process does it once per token. Expiry is not cached: ``token_decode``
    checks it on every use. Bad tokens raise, and exceptions are never cached."""
    payload = jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        # Tolerate small clock differences between app servers when checking "iat".
        leeway=30,
        options={"require": ["sub", "exp", "iat", "typ", "scope", "ver"], "verify_exp": False},
    )
    return int(payload["exp"]), int(payload["sub"]), int(payload["ver"]), payload["typ"], payload["scope"]


def token_decode(token: str, *, expected_type: TokenType) -> TokenClaims:
    """Check signature, expiry and type. The clock is Django's, so time-machine moves it in tests."""
    try:
        expires_at, user_id, version, token_type, scope = _signed_claims(token, settings.JWT_SIGNING_KEY)
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录") from exc
    if expires_at <= int(timezone.now().timestamp()):
        raise Unauthorized("TOKEN_EXPIRED", "登录已过期，请重新登录")
    if token_type != expected_type or scope not in ("user", "staff"):
        raise Unauthorized("TOKEN_INVALID", "登录凭证无效，请重新登录")
    return TokenClaims(user_id=user_id, scope=scope, token_type=token_type, version=version)
