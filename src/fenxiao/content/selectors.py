"""Reads of the material library for distributors: only published materials, and only for an
active distributor (a suspended one may not promote, so gets no promotion material either).
Also the operator's home banners, which anyone may see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from fenxiao.accounts.models import User
from fenxiao.content.errors import MaterialNotFound
from fenxiao.content.models import Banner, Material, MaterialCategory, MaterialImage
from fenxiao.core.errors import Forbidden
from fenxiao.core.paging import Page, paginate
from fenxiao.distribution.centre.selectors import distributor_get_for_user
from fenxiao.distribution.models import Distributor


def material_reader_check(*, user: User) -> Distributor:
    """The caller's distributor if it may read materials: 403 ``NOT_A_DISTRIBUTOR`` for a
    shopper, 403 ``DIST_SUSPENDED`` for a suspended distributor (as for sharing)."""
    distributor = distributor_get_for_user(user=user)
    if not distributor.is_active:
        raise Forbidden("DIST_SUSPENDED", "您的分销资格已暂停，暂不能推广")
    return distributor


def material_category_list() -> QuerySet[MaterialCategory]:
    """Shelves that hold at least one published material."""
    return MaterialCategory.objects.filter(materials__is_published=True).distinct().order_by("position", "id")


def _published() -> QuerySet[Material]:
    return (
        Material.objects.filter(is_published=True)
        .select_related("category", "product")
        .prefetch_related(Prefetch("images", queryset=MaterialImage.objects.order_by("position", "id")))
    )


def material_list(
    *, category_id: int | None = None, kind: str | None = None, page: int = 1, page_size: int | None = None
) -> Page:
    """Published materials, pinned first, then by the operator's position, then newest."""
    qs = _published()
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    if kind:
        qs = qs.filter(kind=kind)
    return paginate(qs.order_by("-pinned", "position", "-published_at", "-id"), page=page, page_size=page_size)


def material_get(*, material_id: int) -> Material:
    """A published material; a draft or withdrawn one is a 404 like a missing one."""
    material = _published().filter(pk=material_id).first()
    if material is None:
        raise MaterialNotFound()
    return material


HOME_BANNER_LIMIT = 6


def home_banners(*, now: datetime, limit: int = HOME_BANNER_LIMIT) -> list[Banner]:
    """Banners to show at ``now``: switched on and inside their window (an open end means no
    limit), by the operator's position. Capped so the activity slides still get a turn and a
    forgotten pile of old campaigns cannot make the carousel endless."""
    return list(
        Banner.objects.filter(is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("position", "id")[:limit]
    )
