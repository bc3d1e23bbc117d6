"""Publishing only complete materials, withdrawing them, and counting copies with one conditional
UPDATE (never read-modify-write)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from fenxiao.content.errors import ContentError, MaterialNotFound
from fenxiao.content.models import Material, MaterialKind
from fenxiao.content.services import (
    material_copied,
    material_problems,
    material_publish,
    material_unpublish,
)
from tests.concurrency import run_together_ok
from tests.content.support import material


@pytest.mark.parametrize(
    ("kind", "body", "copy_text", "images", "codes"),
    [
        ("article", "正文", "", 0, []),
        ("article", "  \n ", "文案", 3, ["MATERIAL_BODY_REQUIRED"]),
        ("images", "", "", 1, []),
        ("images", "正文", "文案", 0, ["MATERIAL_IMAGES_REQUIRED"]),
        ("copy", "", "复制我", 0, []),
        ("copy", "正文", "   ", 2, ["MATERIAL_COPY_TEXT_REQUIRED"]),
    ],
)
def test_each_kind_needs_what_it_is_about(kind, body, copy_text, images, codes):
    problems = material_problems(kind=kind, body=body, copy_text=copy_text, image_count=images)
    assert [p.code for p in problems] == codes


@pytest.mark.django_db
def test_publishing_stamps_the_time_once_and_unpublishing_clears_it():
    draft = material(published=False)
    first = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    with time_machine.travel(first, tick=False):
        assert material_publish(material_id=draft.id).published_at == first
    with time_machine.travel(datetime(2026, 11, 2, tzinfo=UTC), tick=False):
        again = material_publish(material_id=draft.id)
    assert again.is_published and again.published_at == first  # a second publish is no news

    hidden = material_unpublish(material_id=draft.id)
    assert not hidden.is_published and hidden.published_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "fields", "code"),
    [
        (MaterialKind.ARTICLE, {"body": ""}, "MATERIAL_BODY_REQUIRED"),
        (MaterialKind.IMAGES, {"copy_text": "配图文案"}, "MATERIAL_IMAGES_REQUIRED"),
        (MaterialKind.COPY, {"copy_text": ""}, "MATERIAL_COPY_TEXT_REQUIRED"),
    ],
)
def test_an_incomplete_material_is_not_published(kind, fields, code):
    draft = material(kind=kind, published=False, **fields)
    with pytest.raises(ContentError) as refused:
        material_publish(material_id=draft.id)
    assert refused.value.code == code
    draft.refresh_from_db()
    assert not draft.is_published and draft.published_at is None


@pytest.mark.django_db
def test_a_picture_set_with_pictures_is_published():
    pictures = material(kind=MaterialKind.IMAGES, pictures=2, published=False)
    assert material_publish(material_id=pictures.id).is_published


@pytest.mark.django_db
def test_publishing_a_missing_material_is_refused_with_a_code():
    with pytest.raises(ContentError) as refused:
        material_publish(material_id=999_999)
    assert (refused.value.code, refused.value.status) == ("MATERIAL_NOT_FOUND", 404)


@pytest.mark.django_db
def test_a_copy_counts_on_a_published_material_only():
    shown = material(copy_count=4)
    assert material_copied(material_id=shown.id) == 5
    assert material_copied(material_id=shown.id) == 6

    draft = material(title="草稿", published=False)
    with pytest.raises(MaterialNotFound):
        material_copied(material_id=draft.id)
    assert Material.objects.get(pk=draft.id).copy_count == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_copies_at_the_same_moment_all_count():
    shown = material()
    run_together_ok(lambda i: material_copied(material_id=shown.id), n=12)
    assert Material.objects.get(pk=shown.id).copy_count == 12
