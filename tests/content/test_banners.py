"""Home banners: a link that stays on the site, a window that ends after it starts, the selector's
window and order, the public API the mini-program reads, the admin form and the demo seed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fenxiao.content.models import BANNER_LINK_ERROR, Banner, banner_link_problem
from fenxiao.content.selectors import HOME_BANNER_LIMIT, home_banners
from fenxiao.demo.content import seed_demo_materials
from tests.content.support import png_bytes
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/content/banners"
ADD = "/admin/content/banner/add/"


def banner(title: str = "双十一大促", **fields) -> Banner:
    fields = {"link": "/search/?q=面膜", **fields}
    b = Banner(title=title, **fields)
    b.full_clean()
    b.save()
    return b


@pytest.mark.parametrize(
    "link",
    ["/", "/search/?q=面膜&sort=price", "/products/12/", "/group-buy/3/#rules", "/coupons/?tab=unused"],
)
def test_a_site_path_is_a_good_link(link):
    assert banner_link_problem(link) is None


@pytest.mark.parametrize(
    "link",
    [
        "//evil.example.com/",
        "/\\evil.example.com",
        "http://evil.example.com/",
        "https://mall.example.com/",
        "javascript:alert(1)",
        " /search/",
        "/search/ q",
        "search/",
        "data:text/html,hi",
        "/line\nbreak",
    ],
)
def test_anything_but_a_site_path_is_refused_in_chinese(link):
    b = Banner(title="活动", link=link)
    with pytest.raises(ValidationError) as caught:
        b.full_clean()
    assert caught.value.message_dict["link"] == [BANNER_LINK_ERROR]


def test_the_window_must_end_after_it_starts():
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        banner(starts_at=now, ends_at=now)
    assert caught.value.message_dict == {"ends_at": ["结束时间必须晚于开始时间"]}
    with pytest.raises(ValidationError):
        banner(title="x" * 33)
    assert banner(starts_at=now, ends_at=now + timedelta(hours=1)).pk


def test_home_banners_are_the_active_ones_in_their_window_by_position_then_id():
    now = timezone.now()
    later = banner("后排", position=20)
    first = banner("前排", position=10)
    same_position = banner("前排二", position=10)
    window = banner("限时", position=15, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    banner("已停用", is_active=False)
    banner("未开始", starts_at=now + timedelta(minutes=1))
    banner("已结束", ends_at=now)  # the end is exclusive: at ends_at it is gone

    shown = home_banners(now=now)

    assert [b.title for b in shown] == ["前排", "前排二", "限时", "后排"]
    assert [b.id for b in shown] == [first.id, same_position.id, window.id, later.id]


def test_home_banners_follow_the_clock_and_are_capped():
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    banner("明天开始", starts_at=start, ends_at=start + timedelta(days=1))
    for n in range(HOME_BANNER_LIMIT + 2):
        banner(f"常驻{n}", position=100 + n)

    assert "明天开始" not in [b.title for b in home_banners(now=timezone.now(), limit=100)]
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        shown = home_banners(now=timezone.now())
    assert len(shown) == HOME_BANNER_LIMIT and shown[0].title == "明天开始"


def test_the_api_is_public_and_gives_the_mini_program_what_it_needs():
    text = banner("新品上架", subtitle="先睹为快", link="/search/?sort=new", position=1)
    pictured = banner("大促", link="/coupons/", position=2)
    pictured.image.save("big.png", ContentFile(png_bytes()), save=True)
    banner("已停用", is_active=False)

    response = Client().get(API)

    assert response.status_code == 200
    body = response.json()
    assert body[0] == {
        "id": text.id,
        "title": "新品上架",
        "subtitle": "先睹为快",
        "image_url": "",
        "link": "/search/?sort=new",
    }
    assert body[1]["id"] == pictured.id and body[1]["link"] == "/coupons/"
    assert body[1]["image_url"].startswith("http://testserver/media/banners/") and body[1]["image_url"].endswith(".png")
    assert len(body) == 2


@pytest.fixture
def console() -> Client:
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


def admin_form(**fields) -> dict:
    return {
        "title": "双十一",
        "subtitle": "",
        "link": "/search/",
        "position": 0,
        "is_active": "on",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        **fields,
    }


def test_the_admin_form_names_a_bad_link_and_a_backwards_window(console):
    refused = console.post(ADD, admin_form(link="javascript:alert(1)"))
    assert refused.status_code == 200 and BANNER_LINK_ERROR in refused.content.decode()
    backwards = console.post(
        ADD,
        admin_form(starts_at_0="2026-12-02", starts_at_1="10:00:00", ends_at_0="2026-12-01", ends_at_1="10:00:00"),
    )
    assert "结束时间必须晚于开始时间" in backwards.content.decode()
    assert not Banner.objects.exists()


def test_the_admin_uploads_a_picture_and_lists_it(console):
    upload = SimpleUploadedFile("b.png", png_bytes(size=20), content_type="image/png")
    response = console.post(ADD, {**admin_form(title="年货节"), "image": upload})
    assert response.status_code == 302
    saved = Banner.objects.get()
    assert saved.image.name.startswith("banners/") and default_storage.exists(saved.image.name)
    listing = console.get("/admin/content/banner/").content.decode()
    assert "年货节" in listing and "首页轮播图" in listing


def test_the_demo_seeds_two_text_banners_once():
    assert seed_demo_materials().banners == 2
    assert seed_demo_materials().banners == 0
    assert [b.title for b in home_banners(now=timezone.now())] == ["新品上架", "百元好物"]
    assert all(not b.image and banner_link_problem(b.link) is None for b in Banner.objects.all())
