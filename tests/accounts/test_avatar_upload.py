"""POST /api/v1/auth/avatar: the picture WeChat's chooseAvatar button gives, uploaded as
``wx.uploadFile({name: 'file'})`` sends it (multipart/form-data)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from fenxiao.accounts.avatars import MAX_AVATAR_BYTES
from tests.accounts.support import access_for, assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AVATAR = "/api/v1/auth/avatar"
ME = "/api/v1/auth/me"


def picture(fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    colour = 1 if mode in ("1", "P") else (200, 30, 30, 128)[: len(mode)]
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def upload(client: Client, token: str | None, data: bytes, filename: str = "tmp_avatar.png", field: str = "file"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {field: io.BytesIO(data)}
    body[field].name = filename
    return client.post(AVATAR, body, headers=headers)


def stored_name(url: str) -> str:
    path = urlsplit(url).path
    assert path.startswith("/media/avatars/"), url
    return path.removeprefix("/media/")


@pytest.fixture
def token(shopper) -> str:
    return access_for(shopper)


@pytest.fixture
def other_user(db):
    return UserFactory(openid="sandbox-bob", nickname="鲍勃")


def test_a_png_becomes_the_avatar_served_from_the_mall(token, shopper):
    client = Client()
    response = upload(client, token, picture("PNG"))

    assert response.status_code == 200, response.content
    url = response.json()["avatar_url"]
    assert url.startswith("http://testserver/media/avatars/") and url.endswith(".jpg")
    assert response.json()["id"] == shopper.id
    shopper.refresh_from_db()
    assert shopper.avatar_url == url
    assert client.get(ME, headers={"Authorization": f"Bearer {token}"}).json()["avatar_url"] == url
    with default_storage.open(stored_name(url)) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (64, 48))
    # That the URL is served is the mini-program tests' to show, on a real server
    # (miniprogram/test/pages/me-avatar.test.js): urls.py fixed MEDIA_ROOT before this test moved it.


@pytest.mark.parametrize(
    ("fmt", "mode", "save"),
    [("JPEG", "RGB", {}), ("WEBP", "RGB", {}), ("GIF", "P", {}), ("PNG", "RGBA", {}), ("PNG", "LA", {})],
)
def test_each_accepted_format_is_redrawn_as_jpeg(token, fmt, mode, save):
    response = upload(Client(), token, picture(fmt, mode=mode, **save), filename=f"a.{fmt.lower()}")

    assert response.status_code == 200, response.content
    with default_storage.open(stored_name(response.json()["avatar_url"])) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"


def test_a_large_photo_is_bounded_and_its_exif_is_gone(token):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; the picture is stored sideways
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPSInfo: where it was taken
    photo = picture("JPEG", size=(1600, 1200), exif=exif.tobytes())
    assert b"SecretCam" in photo

    response = upload(Client(), token, photo, filename="photo.jpg")

    assert response.status_code == 200, response.content
    with default_storage.open(stored_name(response.json()["avatar_url"])) as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (384, 512)  # turned upright, then fitted into 512×512
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"SecretCam" not in data


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"hello, this is not a picture\n", "notes.txt"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "a.png"),
        (b"<html><script>alert(1)</script></html>", "a.jpg"),
        (picture("PNG")[:60], "truncated.png"),
        (picture("BMP"), "a.bmp"),
        (picture("TIFF"), "a.tiff"),
        (b"", "empty.png"),
    ],
)
def test_what_is_not_an_accepted_picture_is_refused_and_nothing_changes(token, shopper, data, filename):
    shopper.avatar_url = "https://thirdwx.qlogo.cn/old/132"
    shopper.save()

    err = assert_error(upload(Client(), token, data, filename=filename), 400, "AVATAR_INVALID")

    assert err["field"] == "file"
    assert "图片" in err["message"]
    shopper.refresh_from_db()
    assert shopper.avatar_url == "https://thirdwx.qlogo.cn/old/132"
    assert not default_storage.exists("avatars") or not default_storage.listdir("avatars")[1]


def test_a_vast_canvas_in_a_small_file_is_refused(token):
    bomb = picture("PNG", size=(9_000, 9_000), mode="1")  # 81 megapixels
    assert len(bomb) < MAX_AVATAR_BYTES

    assert_error(upload(Client(), token, bomb), 400, "AVATAR_INVALID")


def test_a_file_over_2mb_is_refused(token, shopper):
    big = picture("PNG") + b"\0" * MAX_AVATAR_BYTES  # a valid picture with bytes after its end

    err = assert_error(upload(Client(), token, big), 413, "AVATAR_TOO_LARGE")

    assert "2MB" in err["message"]
    shopper.refresh_from_db()
    assert shopper.avatar_url == ""


def test_the_file_field_is_required(token):
    err = assert_error(upload(Client(), token, picture(), field="avatar"), 422, "VALIDATION_ERROR")

    assert err["field"] == "file"


def test_uploading_needs_a_login(db):
    assert_error(upload(Client(), None, picture()), 401, "UNAUTHORIZED")
    assert_error(upload(Client(), "not-a-token", picture()), 401, "TOKEN_INVALID")


def test_a_new_upload_replaces_and_deletes_only_the_users_own_previous_avatar(token, other_user, commit):
    client = Client()
    with commit():
        first = stored_name(upload(client, token, picture()).json()["avatar_url"])
        second_url = upload(client, token, picture("JPEG")).json()["avatar_url"]

    assert not default_storage.exists(first)
    assert default_storage.exists(stored_name(second_url))

    # Someone who points their own avatar at it and then uploads does not delete it.
    other = access_for(other_user)
    patched = client.patch(ME, {"avatar_url": second_url}, content_type="application/json",
                           headers={"Authorization": f"Bearer {other}"})  # fmt: skip
    assert patched.status_code == 200
    with commit():
        assert upload(client, other, picture()).status_code == 200
    assert default_storage.exists(stored_name(second_url))


def test_names_are_unpredictable(token):
    client = Client()
    names = {stored_name(upload(client, token, picture()).json()["avatar_url"]) for _ in range(3)}

    assert len(names) == 3


def test_uploads_are_rate_limited_per_user(token, other_user):
    client = Client()
    answers = [upload(client, token, picture()).status_code for _ in range(31)]

    assert answers[:30] == [200] * 30
    assert_error(upload(client, token, picture()), 429, "THROTTLED")
    assert upload(client, access_for(other_user), picture()).status_code == 200
