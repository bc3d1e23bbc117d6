"""``media_url`` answers what the storage and ``build_absolute_uri`` answer, though it remembers
file-system URLs and works out the request's origin once."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import RequestFactory, override_settings

from fenxiao.core.media import media_url

NAMES = ["demo/products/P1.png", "a b/图 片.png", "x/../y.png", "./z.png", "q?x=1.png", "100%.png", "/abs.png"]


@pytest.mark.parametrize("host", ["testserver", "shop.example.com:8443"])
@pytest.mark.parametrize("name", NAMES)
def test_media_url_is_the_storage_url_made_absolute(name, host):
    with override_settings(ALLOWED_HOSTS=[host.split(":")[0]]):
        request = RequestFactory().get("/api/v1/products", HTTP_HOST=host)
        assert media_url(name, request) == request.build_absolute_uri(default_storage.url(name))
        assert media_url(name) == default_storage.url(name)


def test_absolute_and_empty_names_pass_through():
    request = RequestFactory().get("/")
    assert media_url("https://cdn.example.com/a.png", request) == "https://cdn.example.com/a.png"
    assert media_url("", request) == ""


def test_a_new_media_url_setting_is_not_answered_from_memory():
    first = media_url("a.png")
    with override_settings(MEDIA_URL="https://img.example.com/m/"):
        assert media_url("a.png") == "https://img.example.com/m/a.png" != first
