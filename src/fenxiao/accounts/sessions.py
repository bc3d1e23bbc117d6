"""Logins and their refresh tokens: each refresh token works once.

A login (WeChat or staff password) starts a ``RefreshFamily``; its refresh tokens carry the
family and a generation. Refreshing with the current generation moves the family on by one (a
conditional ``UPDATE``, so of two refreshes at once exactly one moves it) and answers tokens of
the new generation. The previous generation, presented again within ``JWT_REFRESH_REUSE_GRACE`` of
that move, gets tokens of the current generation without moving it: that is the client that lost
the answer and retried, or the mini-program refreshing from two requests at once, and either way
the caller holds a token of the family's present. Any other old generation, or the previous one
after the grace, means two parties hold the same refresh token, one of them a thief; nobody can
tell which, so the whole family is revoked and its owner logs in again.

Revoking reaches refresh tokens only. Access tokens stay checked by signature and user row alone
(no lookup per request), so a revoked family's access tokens live out their short TTL; logging out
everywhere (``token_version``) ends those at once."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from fenxiao.accounts.models import RefreshFamily, User
from fenxiao.accounts.tokens import Scope, TokenClaims, TokenPair, token_pair_issue
from fenxiao.core.errors import Unauthorized

logger = logging.getLogger(__name__)


def _ended() -> Unauthorized:
    return Unauthorized("TOKEN_REVOKED", "登录已失效，请重新登录")


def refresh_family_start(*, user: User, scope: Scope) -> TokenPair:
    """A new login: a new family at generation 0, and its first pair."""
    family = RefreshFamily.objects.create(user=user, generation=0, rotated_at=timezone.now())
    return token_pair_issue(
        user_id=user.pk, scope=scope, version=user.token_version, family=family.id.hex, generation=0
    )


def refresh_family_rotate(*, user: User, claims: TokenClaims) -> TokenPair:
    """The next pair for a refresh token whose signature, expiry and user are already checked."""
    try:
        family_id = uuid.UUID(hex=claims.family)
    except ValueError:
        raise _ended() from None
    now = timezone.now()
    live = RefreshFamily.objects.filter(pk=family_id, user_id=user.pk, revoked_at__isnull=True)
    generation = claims.generation
    if live.filter(generation=generation).update(generation=generation + 1, rotated_at=now):
        current = generation + 1
    else:
        row = live.values_list("generation", "rotated_at").first()
        if row is None:
            raise _ended()
        current, rotated_at = row
        if current != generation + 1 or now - rotated_at > settings.JWT_REFRESH_REUSE_GRACE:
            live.update(revoked_at=now)
            logger.warning(
                "refresh token reused: user %s family %s generation %s (current %s); login revoked",
                user.pk,
                family_id,
                generation,
                current,
            )
            raise _ended()
    return token_pair_issue(
        user_id=user.pk, scope=claims.scope, version=user.token_version, family=family_id.hex, generation=current
    )


def refresh_families_revoke(*, user: User) -> int:
    """Every login of the user ends (logging out everywhere)."""
    return RefreshFamily.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def sweep_refresh_families(*, now: datetime) -> int:
    """Forget logins whose newest refresh token has expired: nothing can refresh them any more. A
    token answered within the grace may outlive its family's ``rotated_at`` by the grace, hence
    the margin."""
    cutoff = now - settings.JWT_REFRESH_TTL - settings.JWT_REFRESH_REUSE_GRACE
    deleted, _ = RefreshFamily.objects.filter(rotated_at__lt=cutoff).delete()
    return deleted
