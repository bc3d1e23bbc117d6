"""Writes to the material library: publishing (only a complete material goes out), withdrawing,
and counting a distributor's copy (at most one per person per material per minute). Editing itself
is the admin's form, checked by the same ``material_problems`` rule that publishing enforces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fenxiao.content.errors import ContentError, MaterialNotFound
from fenxiao.content.models import Material, MaterialKind


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str


def material_problems(*, kind: str, body: str, copy_text: str, image_count: int) -> list[Problem]:
    """What keeps a material from being shown to distributors: each kind needs the thing it is
    about (an article its text, a picture set its pictures, a copy its words to copy)."""
    problems: list[Problem] = []
    if kind == MaterialKind.ARTICLE and not body.strip():
        problems.append(Problem("MATERIAL_BODY_REQUIRED", "图文教程需要填写正文", "body"))
    if kind == MaterialKind.IMAGES and image_count < 1:
        problems.append(Problem("MATERIAL_IMAGES_REQUIRED", "图片素材至少需要一张图片", "images"))
    if kind == MaterialKind.COPY and not copy_text.strip():
        problems.append(Problem("MATERIAL_COPY_TEXT_REQUIRED", "文案素材需要填写一键复制文案", "copy_text"))
    return problems


def _lock(material_id: int) -> Material:
    material = Material.objects.select_for_update().filter(pk=material_id).first()
    if material is None:
        raise ContentError("MATERIAL_NOT_FOUND", "素材不存在", status=404)
    return material


@transaction.atomic
def material_publish(*, material_id: int, now: datetime | None = None) -> Material:
    """Shows the material to distributors from ``now``. Publishing again keeps the original time,
    so a re-save does not jump a material to the top of "newest"."""
    material = _lock(material_id)
    problems = material_problems(
        kind=material.kind, body=material.body, copy_text=material.copy_text, image_count=material.images.count()
    )
    if problems:
        first = problems[0]
        raise ContentError(first.code, "；".join(p.message for p in problems), field=first.field)
    if material.is_published:
        return material
    material.is_published = True
    material.published_at = now or timezone.now()
    material.save(update_fields=["is_published", "published_at", "updated_at"])
    return material


@transaction.atomic
def material_unpublish(*, material_id: int) -> Material:
    """Hides it from distributors at once; ``published_at`` is cleared so publishing again later
    counts as new."""
    material = _lock(material_id)
    if not material.is_published:
        return material
    material.is_published = False
    material.published_at = None
    material.save(update_fields=["is_published", "published_at", "updated_at"])
    return material


COPY_COUNT_WINDOW_SECONDS = 60


def _first_copy_in_window(*, user_id: int, material_id: int, now: datetime) -> bool:
    """True for the first copy by this user of this material in the current minute. The minute
    is part of the key rather than left to the cache's expiry, so the window follows the clock
    the caller passes (the same under Redis and in tests); ``cache.add`` is atomic, so two taps
    at once still count once. A cache outage counts the copy rather than failing the tap."""
    window = int(now.timestamp()) // COPY_COUNT_WINDOW_SECONDS
    key = f"content:copied:{user_id}:{material_id}:{window}"
    try:
        return bool(cache.add(key, 1, timeout=COPY_COUNT_WINDOW_SECONDS * 2))
    except Exception:  # the counter is a hint for operators, never a reason to refuse the copy
        return True


def material_copied(*, material_id: int, user_id: int | None = None, now: datetime | None = None) -> int:
    """One more copy of a published material; the new total. A single conditional UPDATE, so
    simultaneous copies all count and a material withdrawn meanwhile counts none.

    With ``user_id``, repeated taps by the same person within a minute count once (the counter
    tells operators which pieces get used, so one person hammering the button must not inflate
    it); the answer is still the current total, and a missing or withdrawn material is still a 404."""
    counts = user_id is None or _first_copy_in_window(
        user_id=user_id, material_id=material_id, now=now or timezone.now()
    )
    published = Material.objects.filter(pk=material_id, is_published=True)
    if counts:
        if not published.update(copy_count=F("copy_count") + 1):
            raise MaterialNotFound()
        return Material.objects.values_list("copy_count", flat=True).get(pk=material_id)
    total = published.values_list("copy_count", flat=True).first()
    if total is None:
        raise MaterialNotFound()
    return total
