"""The H5 素材库 pages: distributors see published materials with a copy button wired to the
counting endpoint; operator text is escaped; everyone else is told why."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.content.models import MaterialKind
from tests.content.support import distributor_user, material, shelf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone() -> Client:
    user, _ = distributor_user()
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_published_materials_with_one_tap_copy(phone):
    shown = material(title="早安文案", copy_text="早安！<b>好物</b>在小店", copy_count=7)
    material(title="没发布的草稿", published=False)

    response = phone.get("/centre/materials/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "早安文案" in html and "没发布的草稿" not in html
    assert f'hx-post="/api/v1/content/materials/{shown.id}/copied"' in html
    assert f'data-copy="copy-{shown.id}"' in html and f'id="copy-{shown.id}"' in html
    assert "早安！&lt;b&gt;好物&lt;/b&gt;在小店" in html  # operator text is text, not markup
    assert f'data-copy-count="{shown.id}">7<' in html
    # The copy script is a static file (the CSP runs no inline script); tests/browser/test_materials.py taps it.
    assert "/static/storefront/materials.js" in html


def test_the_list_filters_by_shelf_and_kind(phone):
    moments, training = shelf("朋友圈文案"), shelf("新手培训")
    material(title="文案一", category=moments)
    material(title="教程一", kind=MaterialKind.ARTICLE, category=training)

    html = phone.get("/centre/materials/", {"category": training.id}).content.decode()
    assert "教程一" in html and "文案一" not in html
    html = phone.get("/centre/materials/", {"kind": "copy"}).content.decode()
    assert "文案一" in html and "教程一" not in html
    html = phone.get("/centre/materials/", {"kind": "nonsense", "page": "x"}).content.decode()
    assert "文案一" in html and "教程一" in html  # a hand-edited URL shows everything


def test_the_detail_escapes_the_article_and_opens_pictures_full_size(phone):
    article = material(
        kind=MaterialKind.IMAGES,
        pictures=2,
        body="<img src=x onerror=alert(1)>第一段\n\n第二段",
        copy_text="复制这段",
    )

    response = phone.get(f"/centre/materials/{article.id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;第一段" in html
    assert "<p>第二段</p>" in html
    assert html.count("data-full-image target") == 2 and "保存图片" in html
    assert 'href="/media/materials/' in html


def test_a_draft_is_a_404_page(phone):
    draft = material(published=False)
    response = phone.get(f"/centre/materials/{draft.id}/")
    assert response.status_code == 404
    assert "素材不存在或已下架" in response.content.decode()


def test_a_shopper_is_told_they_are_not_a_distributor():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/centre/materials/")
    assert response.status_code == 403
    assert "您还不是分销商" in response.content.decode()


def test_a_visitor_is_sent_to_log_in_first():
    response = Client().get("/centre/materials/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fcentre%2Fmaterials%2F"
