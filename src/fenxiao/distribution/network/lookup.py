"""Distributors by their public code or by their user, for faces of lower apps (risk's complaints
name a distributor by user; a shopper types the code they were shared)."""

from __future__ import annotations

from collections.abc import Iterable

from fenxiao.distribution.models import Distributor


def distributor_user_id_for_code(code: str) -> int | None:
    """The user behind a distributor's code (any status: a suspended one can still be complained
    about), or None when no distributor has it."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Distributor.objects.filter(code=code).values_list("user_id", flat=True).first()


def distributor_codes_for_users(user_ids: Iterable[int]) -> dict[int, str]:
    ids = [i for i in set(user_ids) if i]
    if not ids:
        return {}
    return dict(Distributor.objects.filter(user_id__in=ids).values_list("user_id", "code"))


def distributor_id_for_user(user_id: int) -> int | None:
    return Distributor.objects.filter(user_id=user_id).values_list("pk", flat=True).first()
