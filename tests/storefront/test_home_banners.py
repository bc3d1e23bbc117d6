"""The home carousel: the operator's banners first (picture or text card, with their link), then
the automatic activity slides, never more than eight in all."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from fenxiao.content.models import Banner
from fenxiao.storefront.views.catalog import MAX_BANNERS
from tests.content.support import png_bytes

pytestmark = pytest.mark.django_db


def carousel(html: str) -> str:
    return re.search(r'<section class="banners".*?</section>', html, re.S).group(0)


def slides(html: str) -> list[str]:
    return re.findall(r'<a class="banner[^"]*" href="([^"]*)"', carousel(html))


def test_an_operator_text_banner_comes_first_with_its_link():
    Banner.objects.create(title="双十一大促", subtitle="全场满199减30", link="/search/?q=精华", position=1)
    Banner.objects.create(title="已停用的", link="/coupons/", is_active=False)
    Banner.objects.create(title="已结束的", link="/coupons/", ends_at=timezone.now() - timedelta(minutes=1))

    html = carousel(Client().get("/").content.decode())

    assert '<a class="banner" href="/search/?q=精华"><b>双十一大促</b><span>全场满199减30</span></a>' in html
    assert html.index("双十一大促") < html.index("领券中心")  # the automatic slides follow, as before
    assert "分享赚佣金" in html
    assert "已停用的" not in html and "已结束的" not in html


def test_a_picture_banner_is_an_image_with_alt_text_in_a_fixed_frame():
    pictured = Banner.objects.create(title="年货节", subtitle="囤货正当时", link="/products/1/", position=1)
    pictured.image.save("nian.png", ContentFile(png_bytes()), save=True)

    html = carousel(Client().get("/").content.decode())

    img = re.search(r'<a class="banner banner-img" href="/products/1/"><img ([^>]*)></a>', html)
    assert img is not None
    attrs = img.group(1)
    assert 'alt="年货节：囤货正当时"' in attrs and 'width="750" height="300"' in attrs
    assert re.search(r'src="http://testserver/media/banners/\d{6}/[0-9a-f]{32}\.png"', attrs)
    css = Client().get("/static/storefront/app.css")
    body = b"".join(css.streaming_content) if css.streaming else css.content
    assert b".banner.banner-img { padding: 0; min-height: 0; aspect-ratio: 5 / 2;" in body


def test_the_carousel_never_shows_more_than_eight():
    for n in range(10):
        Banner.objects.create(title=f"活动{n}", link=f"/search/?q={n}", position=n)

    urls = slides(Client().get("/").content.decode())

    assert len(urls) == MAX_BANNERS == 8
    assert urls[:6] == [f"/search/?q={n}" for n in range(6)]  # the operator's, capped at six
    assert urls[6:] == ["/coupons/", "/me/"]  # then the slides that are always there


def test_without_operator_banners_the_carousel_is_as_before():
    urls = slides(Client().get("/").content.decode())
    assert urls == ["/coupons/", "/me/"]
