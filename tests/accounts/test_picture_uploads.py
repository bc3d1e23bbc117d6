"""POST /api/v1/uploads/images: a shopper's evidence picture for a complaint or an after-sale,
uploaded as ``wx.uploadFile({name: 'file'})`` or a browser's FormData sends it."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from fenxiao.accounts.uploads import MAX_UPLOAD_BYTES, is_served_picture
from fenxiao.core.web_api import api
from tests.accounts.support import access_for, assert_error

pytestmark = pytest.mark.django_db

UPLOAD = "/api/v1/uploads/images"


def picture(fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    colour = 1 if mode in ("1", "P") else (200, 30, 30, 128)[: len(mode)]
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def upload(client: Client, token: str | None, data: bytes, filename: str = "photo.png", field: str = "file"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {field: io.BytesIO(data)}
    body[field].name = filename
    return client.post(UPLOAD, body, headers=headers)


def stored_name(url: str) -> str:
    path = urlsplit(url).path
    assert path.startswith("/media/uploads/"), url
    return path.removeprefix("/media/")


@pytest.fixture
def token(shopper) -> str:
    return access_for(shopper)


def test_a_photo_is_redrawn_bounded_without_exif_under_an_unguessable_name(token):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPSInfo: where it was taken
    photo = picture("JPEG", size=(3200, 2400), exif=exif.tobytes())

    first = upload(Client(), token, photo, filename="IMG_0001.jpg")
    second = upload(Client(), token, photo, filename="IMG_0001.jpg")

    assert first.status_code == 201, first.content
    url = first.json()["url"]
    assert url.startswith("http://testserver/media/uploads/") and url.endswith(".jpg")
    assert is_served_picture(url)
    assert url != second.json()["url"] and "IMG_0001" not in url
    with default_storage.open(stored_name(url)) as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 1200))
        assert not image.getexif()
    assert b"SecretCam" not in data


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("WEBP", "RGB"), ("GIF", "P")])
def test_each_accepted_format_is_stored_as_jpeg(token, fmt, mode):
    response = upload(Client(), token, picture(fmt, mode=mode), filename=f"a.{fmt.lower()}")

    assert response.status_code == 201, response.content
    with default_storage.open(stored_name(response.json()["url"])) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"hello, this is not a picture\n", "notes.txt"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "a.png"),
        (picture("PNG")[:60], "truncated.png"),
        (picture("BMP"), "a.bmp"),
        (b"", "empty.png"),
    ],
)
def test_what_is_not_a_picture_is_refused(token, data, filename):
    err = assert_error(upload(Client(), token, data, filename=filename), 400, "UPLOAD_NOT_IMAGE")

    assert err["field"] == "file"
    assert not default_storage.exists("uploads")


def test_a_vast_canvas_in_a_small_file_is_refused(token):
    bomb = picture("PNG", size=(9_000, 9_000), mode="1")  # 81 megapixels in a few kilobytes
    assert len(bomb) < MAX_UPLOAD_BYTES

    assert_error(upload(Client(), token, bomb), 400, "UPLOAD_TOO_MANY_PIXELS")


def test_a_file_over_5mb_is_refused(token):
    big = picture("PNG")
    big += b"\0" * (MAX_UPLOAD_BYTES + 1 - len(big))

    err = assert_error(upload(Client(), token, big), 413, "UPLOAD_TOO_LARGE")

    assert err["field"] == "file"


def test_uploading_needs_a_login(db):
    assert_error(upload(Client(), None, picture()), 401, "UNAUTHORIZED")


def test_the_upload_and_its_refusals_are_in_the_openapi_document():
    import fenxiao.urls  # noqa: F401  (imports every router)

    operation = api.get_openapi_schema()["paths"][UPLOAD]["post"]

    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"201", "400", "401", "413", "429"} <= set(map(str, operation["responses"]))


@pytest.mark.parametrize(
    ("url", "served"),
    [
        ("http://testserver/media/uploads/2026/01/" + "a" * 32 + ".jpg", True),
        ("https://img.example.com/media/uploads/2026/01/" + "a" * 32 + ".jpg", False),
        ("http://testserver/media/avatars/" + "a" * 48 + ".jpg", False),
        ("http://testserver/media/uploads/2026/01/../../secret.jpg", False),
        ("http://testserver/media/uploads/2026/01/" + "a" * 32 + ".jpg?x=1", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_only_pictures_uploaded_here_count_as_served(url, served):
    assert is_served_picture(url) is served
