"""``/api/v1/content``: published materials for active distributors only, filters and pages, the
copy counter, and the H5 session path (CSRF enforced)."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.content.models import Material, MaterialKind
from fenxiao.distribution.network.enrolment import distributor_suspend
from tests.content.support import api_for, distributor_user, material, shelf
from tests.factories import StaffUserFactory, UserFactory
from tests.support import Api

pytestmark = pytest.mark.django_db

LIST = "/api/v1/content/materials"


@pytest.fixture
def reader():
    user, _ = distributor_user()
    return api_for(user)


def test_the_list_shows_published_materials_pinned_first_then_by_position(reader):
    moments, training = shelf("朋友圈文案", 1), shelf("新手培训", 0)
    late = material(title="后排", category=moments, position=20)
    first = material(title="前排", category=moments, position=10)
    pinned = material(title="置顶", category=training, kind=MaterialKind.ARTICLE, pinned=True, position=99)
    material(title="草稿", category=moments, published=False)

    body = reader.get(LIST).json()

    assert [i["title"] for i in body["items"]] == ["置顶", "前排", "后排"]
    assert body["count"] == 3
    assert body["categories"] == [{"id": training.id, "name": "新手培训"}, {"id": moments.id, "name": "朋友圈文案"}]
    item = body["items"][1]
    assert item["id"] == first.id and item["kind"] == "copy" and item["kind_label"] == "文案"
    assert item["copy_text"] == "早安！好物都在我的小店～" and item["category"]["name"] == "朋友圈文案"
    assert {late.id, pinned.id} < {i["id"] for i in body["items"]}


def test_the_list_filters_by_category_and_kind_and_pages(reader):
    moments, training = shelf("朋友圈文案"), shelf("新手培训")
    for n in range(3):
        material(title=f"文案{n}", category=moments, position=n)
    material(title="教程", kind=MaterialKind.ARTICLE, category=training)
    material(title="配图", kind=MaterialKind.IMAGES, category=moments, pictures=1)

    by_shelf = reader.get(LIST, {"category": training.id}).json()
    assert [i["title"] for i in by_shelf["items"]] == ["教程"]
    by_kind = reader.get(LIST, {"kind": "copy", "category": moments.id}).json()
    assert [i["title"] for i in by_kind["items"]] == ["文案0", "文案1", "文案2"]
    second = reader.get(LIST, {"kind": "copy", "page": 2, "page_size": 2}).json()
    assert [i["title"] for i in second["items"]] == ["文案2"] and second["count"] == 3


def test_a_bad_filter_is_refused_in_chinese(reader):
    response = reader.get(LIST, {"kind": "video"})
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_the_detail_has_paragraphs_pictures_and_product(reader):
    from tests.catalog_factories import ProductFactory

    product = ProductFactory(title="山茶花精华", main_image="")
    article = material(
        kind=MaterialKind.IMAGES,
        pictures=2,
        product=product,
        body="第一段<script>alert(1)</script>\n\n\n第二段",
        copy_text="复制我",
    )

    body = reader.get(f"{LIST}/{article.id}").json()

    assert body["paragraphs"] == ["第一段<script>alert(1)</script>", "第二段"]  # text, the client escapes it
    assert [i["position"] for i in body["images"]] == [0, 1]
    assert all(i["url"].startswith("http://testserver/media/materials/") for i in body["images"])
    assert body["product"] == {"id": product.id, "title": "山茶花精华", "image_url": ""}


def test_a_draft_reads_as_missing(reader):
    draft = material(published=False)
    response = reader.get(f"{LIST}/{draft.id}")
    assert response.status_code == 404
    assert response.json() == {"code": "MATERIAL_NOT_FOUND", "message": "素材不存在或已下架"}


def test_copied_counts_and_answers_the_total(reader):
    shown = material(copy_count=2)
    response = reader.post(f"{LIST}/{shown.id}/copied")
    assert response.status_code == 200
    assert response.json() == {"id": shown.id, "copy_count": 3, "message": "已复制"}
    assert reader.post(f"{LIST}/{material(title='草稿', published=False).id}/copied").status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("anonymous", 401, "UNAUTHORIZED"), ("shopper", 403, "NOT_A_DISTRIBUTOR"), ("suspended", 403, "DIST_SUSPENDED")],
)
def test_only_an_active_distributor_reads_or_counts(who, status, code):
    shown = material()
    if who == "anonymous":
        api = Api()
    elif who == "shopper":
        api = api_for(UserFactory())
    else:
        user, distributor = distributor_user()
        distributor_suspend(distributor_id=distributor.id, actor_id=StaffUserFactory().id, reason="违规宣传")
        api = api_for(user)

    for response in (api.get(LIST), api.get(f"{LIST}/{shown.id}"), api.post(f"{LIST}/{shown.id}/copied")):
        assert response.status_code == status
        assert response.json()["code"] == code
    assert Material.objects.get(pk=shown.id).copy_count == 0


def test_the_h5_session_counts_a_copy_only_with_its_csrf_token():
    shown = material()
    user, _ = distributor_user()
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(user)
    phone.get("/centre/materials/")  # the page sets the CSRF cookie, as in the browser
    token = phone.cookies["csrftoken"].value

    refused = phone.post(f"{LIST}/{shown.id}/copied")
    counted = phone.post(f"{LIST}/{shown.id}/copied", headers={"X-CSRFToken": token, "HX-Request": "true"})

    assert refused.status_code == 403
    assert counted.status_code == 200 and counted.json()["copy_count"] == 1
    assert Material.objects.get(pk=shown.id).copy_count == 1
