"""The operator's side: writing a material with pictures uploaded inline, publishing and
withdrawing through actions, and a published material kept complete through edits."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fenxiao.content.models import Material, MaterialImage, MaterialKind
from tests.content.support import material, png_bytes, shelf
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/content/material/add/"
LIST = "/admin/content/material/"


@pytest.fixture
def console() -> Client:
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


def form_data(category_id: int, **fields) -> dict:
    data = {
        "kind": MaterialKind.IMAGES,
        "title": "九宫格",
        "category": category_id,
        "product": "",
        "position": 0,
        "body": "",
        "copy_text": "配图文案",
        "images-TOTAL_FORMS": 2,
        "images-INITIAL_FORMS": 0,
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
        "images-0-position": 2,
        "images-1-position": 1,
    }
    data.update(fields)
    return data


def test_pictures_upload_inline_into_media_in_their_order(console):
    category = shelf()
    data = form_data(
        category.id,
        **{
            "images-0-image": SimpleUploadedFile("b.png", png_bytes("blue"), "image/png"),
            "images-1-image": SimpleUploadedFile("a.png", png_bytes("red"), "image/png"),
        },
    )

    response = console.post(ADD, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    created = Material.objects.get(title="九宫格")
    assert not created.is_published  # a new material starts as a draft
    names = [i.image.name for i in created.images.all()]
    assert [i.position for i in created.images.all()] == [1, 2]
    assert all(n.startswith("materials/") and n.endswith(".png") and default_storage.exists(n) for n in names)


def test_an_upload_that_is_not_a_picture_is_refused(console):
    data = form_data(shelf().id, **{"images-0-image": SimpleUploadedFile("x.png", b"not an image", "image/png")})
    response = console.post(ADD, data)
    assert response.status_code == 200
    assert not Material.objects.exists()


def test_publish_and_withdraw_actions_obey_the_publishing_rule(console):
    ready = material(title="完整文案", published=False)
    empty = material(title="空图集", kind=MaterialKind.IMAGES, published=False)

    response = console.post(LIST, {"action": "publish_selected", "_selected_action": [ready.id, empty.id]}, follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert "已发布 1 条素材" in shown
    assert "「空图集」：图片素材至少需要一张图片" in shown
    assert Material.objects.get(pk=ready.id).is_published
    assert not Material.objects.get(pk=empty.id).is_published

    console.post(LIST, {"action": "unpublish_selected", "_selected_action": [ready.id]})
    assert not Material.objects.get(pk=ready.id).is_published


def test_a_published_picture_set_keeps_at_least_one_picture(console):
    shown = material(kind=MaterialKind.IMAGES, pictures=1, title="单图")
    picture = MaterialImage.objects.get(material=shown)
    data = form_data(
        shown.category_id,
        title="单图",
        **{
            "images-TOTAL_FORMS": 1,
            "images-INITIAL_FORMS": 1,
            "images-0-id": picture.id,
            "images-0-material": shown.id,
            "images-0-position": 0,
            "images-0-DELETE": "on",
        },
    )

    response = console.post(f"/admin/content/material/{shown.id}/change/", data)

    assert response.status_code == 200
    assert "图片素材至少需要一张图片" in response.content.decode()
    assert MaterialImage.objects.filter(material=shown).exists()


def test_a_published_copy_cannot_lose_its_text(console):
    shown = material(title="早安")
    data = form_data(shown.category_id, kind=MaterialKind.COPY, title="早安", copy_text="", **{"images-TOTAL_FORMS": 0})
    response = console.post(f"/admin/content/material/{shown.id}/change/", data)
    assert response.status_code == 200
    assert "文案素材需要填写一键复制文案" in response.content.decode()
    assert Material.objects.get(pk=shown.id).copy_text


def test_the_list_searches_and_filters(console):
    material(title="早安文案")
    material(title="晚安文案", published=False)
    response = console.get(LIST, {"q": "晚安"})
    assert [m.title for m in response.context["cl"].result_list] == ["晚安文案"]
    response = console.get(LIST, {"is_published__exact": "1"})
    assert [m.title for m in response.context["cl"].result_list] == ["早安文案"]
